import { availableParallelism } from 'node:os';
import type { AppConfig } from '../config/app-config';
import type { WorkerConfig } from './inference.types';

/** What every worker thread is started with, for the service's pool and the CLI's alike. */
export function workerConfigFor(
  config: AppConfig,
  modelPath: string,
): WorkerConfig & { faultInjection: boolean } {
  const { workers, intraOpThreads } = config;
  return {
    modelPath,
    intraOpThreads,
    soloThreads: config.soloIntraOpThreads,
    nice: config.workerNice,
    // Spinning idle threads only pays when the pool leaves them a core each.
    spinning: workers * intraOpThreads <= availableParallelism(),
    contract: config.model.contract,
    maxInputPixels: config.maxInputPixels,
    faultInjection: config.faultInjection,
  };
}
