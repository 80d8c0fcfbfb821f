import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { MODEL_CATALOG } from '../../src/inference/model/model-catalog';
import type { HeatmapFormat } from '../../src/inference/pipeline/postprocess';
import { spinPolicy } from '../../src/inference/session-options';
import { WorkerPool } from '../../src/inference/worker-pool';
import type { BenchPhoto } from './photos';
import { summarize, LatencySummary } from './stats';

export interface PoolSetup {
  modelPath: string;
  workers: number;
  threads: number;
  /** Threads of the session a lone job uses; by default no wider than the others. */
  soloThreads?: number;
}

export interface PoolOutcome {
  imagesPerSecond: number;
  latency: LatencySummary;
  /** CPU of the whole bench process (its main thread and the pool's threads) per image. */
  cpuMsPerImage: number;
}

/** The service's own worker pool (the compiled worker in dist/), without HTTP or the job queue. */
export async function withPool<T>(setup: PoolSetup, work: (pool: WorkerPool) => Promise<T>) {
  const split = {
    workers: setup.workers,
    intraOpThreads: setup.threads,
    soloThreads: setup.soloThreads ?? setup.threads,
  };
  const pool = new WorkerPool(setup.workers, {
    modelId: MODEL_CATALOG[0].id,
    modelPath: setup.modelPath,
    intraOpThreads: split.intraOpThreads,
    soloThreads: split.soloThreads,
    nice: 0,
    spinning: spinPolicy(split, availableParallelism()),
    contract: MODEL_CATALOG[0].contract,
    maxInputPixels: 1e8,
    faultInjection: false,
  });
  try {
    await pool.warmUp();
    return await work(pool);
  } finally {
    await pool.close();
  }
}

let sequence = 0;

/** Keeps `inFlight` images in the pool for `durationMs`, cycling through the photo mix. */
export async function closedLoop(
  pool: WorkerPool,
  photos: BenchPhoto[],
  opts: { inFlight: number; durationMs: number; format: HeatmapFormat },
): Promise<PoolOutcome> {
  const latencies: number[] = [];
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  let next = 0;
  const lane = async () => {
    while (performance.now() - started < opts.durationMs) {
      const photo = photos[next++ % photos.length];
      const t = performance.now();
      // A fresh copy each time: the pool transfers (detaches) the buffer it is given. The
      // service's worker gets the upright size from admission's header read; so does this one.
      const image = {
        bytes: new Uint8Array(photo.bytes),
        upright: { width: photo.width, height: photo.height },
      };
      await pool.run(`bench-${sequence++}`, image, opts.format, 60_000).result;
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: opts.inFlight }, lane));
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  return {
    imagesPerSecond: (latencies.length * 1000) / elapsed,
    latency: summarize(latencies),
    cpuMsPerImage: (cpu.user + cpu.system) / 1000 / latencies.length,
  };
}

/**
 * The pipeline ceiling at one split, as the headline and the paired study take
 * it: a fresh pool, 1.5 s of load discarded, then `durationMs` measured with
 * one image in flight per worker.
 */
export function pipelineWindow(
  split: PoolSetup,
  photos: BenchPhoto[],
  durationMs: number,
): Promise<PoolOutcome> {
  return withPool(split, async (pool) => {
    const loop = { inFlight: split.workers, format: 'png' as const };
    await closedLoop(pool, photos, { ...loop, durationMs: 1500 });
    return closedLoop(pool, photos, { ...loop, durationMs });
  });
}
