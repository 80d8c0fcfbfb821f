import { workerData } from 'piscina';
import type { WorkerConfig } from '../inference.types';

/** What the pool started this thread with; one module so every worker file reads the same. */
export const config = workerData as WorkerConfig & { faultInjection?: boolean };
