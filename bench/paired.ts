/**
 * bench:paired: a study of the two ratios the headline finds closest to their
 * targets, not part of `npm run bench`. On this host the speed drifts by 10%
 * and more between windows a minute apart, which is as much as either margin.
 * So each block measures in mirrored order (raw, pipeline, service, service,
 * pipeline, raw) and takes both ratios inside the block, where a linear drift
 * cancels. Each ceiling is measured at both splits, a worker per core and one
 * extra, and the ratios use the split with the higher median over the run, as
 * the headline does.
 */
import { availableParallelism } from 'node:os';
import { sessionOptions } from '../src/inference/session-options';
import type { Mode } from './lib/load-client';
import { runLevel } from './lib/load-runner';
import { BENCH_MODEL, ensureBenchModels } from './lib/models';
import { photoMix, type BenchPhoto } from './lib/photos';
import { pipelineWindow, type PoolSetup } from './lib/pool-runner';
import { runRaw } from './lib/raw-runner';
import { log, printTable, writeResult } from './lib/report';
import { BenchServer } from './lib/server';
import { bootstrapInterval, higherMedian, mean, median, round } from './lib/stats';
import { LOAD_ENV } from './load';

const MS = Number(process.env.BENCH_PAIRED_MS ?? 6000);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 8);
const WARM_MS = Number(process.env.BENCH_WARM_MS ?? 60_000);
const MODE = (process.env.BENCH_PAIRED_MODE ?? 'push') as Mode;

type Split = { workers: number; imagesPerSecond: number[] };
/** One block's figures: each split's two windows, and the service's two. */
type Block = { raw: number[][]; pipeline: number[][]; service: number[] };

async function measureBlock(server: BenchServer, photos: BenchPhoto[], workers: number[]) {
  const block: Block = { raw: workers.map(() => []), pipeline: workers.map(() => []), service: [] };
  // Both ceilings at one split, the same way the headline takes them.
  const ceilings = {
    raw: (split: PoolSetup) => runRaw({ ...split, options: sessionOptions(1), durationMs: MS }),
    pipeline: (split: PoolSetup) => pipelineWindow(split, photos, MS),
  };
  const ceiling = async (kind: keyof typeof ceilings, order: number[]) => {
    for (const i of order) {
      const split = { modelPath: BENCH_MODEL, workers: workers[i], threads: 1 };
      block[kind][i].push((await ceilings[kind](split)).imagesPerSecond);
    }
  };
  const service = async () => {
    const row = await runLevel(server, photos, {
      mode: MODE,
      c: 8,
      warmupMs: 2000,
      durationMs: MS,
    });
    block.service.push(row.imagesPerSecond);
  };
  const forward = workers.map((_, i) => i);
  const backward = [...forward].reverse();
  await ceiling('raw', forward);
  await ceiling('pipeline', forward);
  await service();
  await service();
  await ceiling('pipeline', backward);
  await ceiling('raw', backward);
  return block;
}

async function main(): Promise<void> {
  ensureBenchModels();
  const photos = await photoMix();
  const cores = availableParallelism();
  const workers = [cores, cores + 1];
  const server = await BenchServer.start(LOAD_ENV);
  const blocks: Block[] = [];
  try {
    const warm = await runLevel(server, photos, {
      mode: MODE,
      c: 8,
      warmupMs: 0,
      durationMs: WARM_MS,
    });
    log(`paired: warm-up, ${MODE} at c=8: ${warm.imagesPerSecond} img/s over ${WARM_MS} ms.`);
    for (let b = 1; b <= BLOCKS; b++) {
      blocks.push(await measureBlock(server, photos, workers));
      log(`paired block ${b}: ${JSON.stringify(blocks.at(-1))}`);
    }
  } finally {
    await server.stop();
  }
  // Each split's block means, then the split with the higher median, as the headline chooses.
  const bySplit = (kind: 'raw' | 'pipeline') =>
    workers.map((w, i): Split => ({
      workers: w,
      imagesPerSecond: blocks.map((b) => mean(b[kind][i])),
    }));
  const raw = higherMedian(bySplit('raw'));
  const pipeline = higherMedian(bySplit('pipeline'));
  const service = blocks.map((b) => mean(b.service));
  const rows = blocks.map((_, i) => ({
    block: i + 1,
    raw: round(raw.imagesPerSecond[i], 2),
    pipeline: round(pipeline.imagesPerSecond[i], 2),
    [`${MODE}C8`]: round(service[i], 2),
    pipelineOverRaw: round(pipeline.imagesPerSecond[i] / raw.imagesPerSecond[i], 3),
    serviceOverPipeline: round(service[i] / pipeline.imagesPerSecond[i], 3),
  }));
  printTable(
    `Paired blocks (raw at ${raw.workers} workers, pipeline at ${pipeline.workers})`,
    rows,
  );
  // The median block and, from resampling the blocks, a 90% interval for it.
  const spread = (values: number[]) => {
    const [low, high] = bootstrapInterval(values, median);
    return (
      `${round(median(values), 3)} (blocks ${round(Math.min(...values), 3)}–${round(Math.max(...values), 3)}, ` +
      `90% interval ${round(low, 3)}–${round(high, 3)})`
    );
  };
  const summary = {
    blocks: BLOCKS,
    windowMs: MS,
    mode: MODE,
    pipelineOverRaw: spread(rows.map((r) => r.pipelineOverRaw)),
    serviceOverPipeline: spread(rows.map((r) => r.serviceOverPipeline)),
    pipelineOverRawOfMedians: round(
      median(pipeline.imagesPerSecond) / median(raw.imagesPerSecond),
      3,
    ),
    serviceOverPipelineOfMedians: round(median(service) / median(pipeline.imagesPerSecond), 3),
  };
  console.log(`\n${JSON.stringify(summary)}`);
  log(
    `Wrote ${writeResult('paired', { blocks, rawWorkers: raw.workers, pipelineWorkers: pipeline.workers, summary })}.`,
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
