import { once } from 'node:events';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';
import { median } from './stats';

export interface RawConfig {
  modelPath: string;
  workers: number;
  options: InferenceSession.SessionOptions;
  batch?: number;
  size?: number;
  durationMs?: number;
  warmup?: number;
}

export interface RawOutcome {
  imagesPerSecond: number;
  /** Median time of one session.run, per call (a call holds `batch` images). */
  medianRunMs: number;
  runs: number;
}

type Reply = { kind: 'ready' } | { kind: 'error'; message: string } | Done;
interface Done {
  kind: 'done';
  runs: number[];
  elapsedMs: number;
}

const WORKER = join(__dirname, '..', 'workers', 'raw-worker.js');

/**
 * `workers` threads each with one session, all released at once and run back
 * to back for the same wall time; throughput is images over that time.
 */
export async function runRaw(config: RawConfig): Promise<RawOutcome> {
  const { batch = 1, size = 256, durationMs = 6000, warmup = 5 } = config;
  const workerData = { ...config, batch, size, durationMs, warmup };
  const threads = Array.from({ length: config.workers }, () => new Worker(WORKER, { workerData }));
  try {
    const next = (worker: Worker) =>
      once(worker, 'message').then(([reply]) => {
        if (!isReply(reply)) throw new Error('Unexpected message from a raw worker.');
        if (reply.kind === 'error') throw new Error(reply.message);
        return reply;
      });
    await Promise.all(threads.map(next));
    const finished = threads.map(next) as Promise<Done>[];
    for (const worker of threads) worker.postMessage('go');
    const done = await Promise.all(finished);
    const images = done.reduce((sum, d) => sum + d.runs.length * batch, 0);
    const elapsed = Math.max(...done.map((d) => d.elapsedMs));
    return {
      imagesPerSecond: (images * 1000) / elapsed,
      medianRunMs: median(done.flatMap((d) => d.runs)),
      runs: done.reduce((sum, d) => sum + d.runs.length, 0),
    };
  } finally {
    await Promise.all(threads.map((worker) => worker.terminate()));
  }
}

function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'kind' in value;
}
