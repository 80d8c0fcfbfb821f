/**
 * bench:pipeline: the worker's full per-image path without HTTP (decode ->
 * tensor -> infer -> upsample -> colormap -> encode) on the real photo mix.
 * Stage costs come from running each step alone; the pipeline ceiling is the
 * service's own worker pool kept busy, at each core split.
 */
import { availableParallelism } from 'node:os';
import type { HeatmapFormat } from '../src/inference/pipeline/postprocess';
import { BENCH_MODEL, ensureBenchModels } from './lib/models';
import { photoMix } from './lib/photos';
import { closedLoop, withPool } from './lib/pool-runner';
import { log, printTable, writeResult } from './lib/report';
import { LeverRow, postprocessLevers } from './lib/levers';
import { stageCosts } from './lib/stages';
import { round } from './lib/stats';

export interface PipelineRow {
  case: string;
  workers: number;
  threads: number;
  inFlight: number;
  format: HeatmapFormat;
  imagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface PipelineReport {
  photos: { name: string; width: number; height: number; bytes: number }[];
  stages: Record<string, number>;
  levers: LeverRow[];
  rows: PipelineRow[];
  ceiling: PipelineRow;
  /** One image at a time through a pool that gives it every core: the c=1 reference. */
  singlePass: PipelineRow;
}

const DURATION_MS = Number(process.env.BENCH_PIPELINE_MS ?? 12_000);

async function measure(
  label: string,
  workers: number,
  threads: number,
  inFlight: number,
  format: HeatmapFormat,
  soloThreads = threads,
): Promise<PipelineRow> {
  const photos = await photoMix();
  const setup = { modelPath: BENCH_MODEL, workers, threads, soloThreads };
  const outcome = await withPool(setup, async (pool) => {
    await closedLoop(pool, photos, { inFlight, durationMs: 2000, format }); // settle
    return closedLoop(pool, photos, { inFlight, durationMs: DURATION_MS, format });
  });
  const row = {
    case: label,
    workers,
    threads,
    inFlight,
    format,
    imagesPerSecond: round(outcome.imagesPerSecond),
    p50Ms: round(outcome.latency.p50),
    p99Ms: round(outcome.latency.p99),
  };
  log(`pipeline ${label}: ${row.imagesPerSecond} img/s, p50 ${row.p50Ms} ms.`);
  return row;
}

export async function pipelineBench(): Promise<PipelineReport> {
  ensureBenchModels();
  const cores = availableParallelism();
  const photos = await photoMix();
  const stages = await stageCosts(photos, BENCH_MODEL, 1);
  log(`pipeline stages (ms, 1 thread): ${JSON.stringify(stages)}`);
  const levers = await postprocessLevers(photos, BENCH_MODEL);
  const singlePass = await measure(`1 worker x ${cores} threads`, 1, cores, 1, 'png');
  const extra = cores + 1;
  const splits = [
    await measure(`${cores} workers x 1 thread`, cores, 1, cores, 'png'),
    await measure(`${extra} workers x 1 thread (one extra)`, extra, 1, extra, 'png'),
    singlePass,
  ];
  const rows = [
    ...splits,
    await measure(`${cores} workers x 1 thread, jpeg`, cores, 1, cores, 'jpeg'),
    // The service's default: a worker per core, plus a solo session a lone job may use.
    await measure(`${cores} workers x 1 thread + solo ${cores}`, cores, 1, cores, 'png', cores),
  ];
  const ceiling = splits.reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a));
  const summary = photos.map(({ name, width, height, bytes }) => ({
    name,
    width,
    height,
    bytes: bytes.length,
  }));
  return { photos: summary, stages, levers, rows, ceiling, singlePass };
}

export function printPipeline(report: PipelineReport): void {
  printTable('Pipeline stages, median ms per image (1 thread)', [report.stages]);
  printTable('Post-processing choices, per image', report.levers as never);
  printTable('Pipeline through the worker pool (no HTTP)', report.rows as never);
  console.log(
    `\nPipeline ceiling: ${report.ceiling.imagesPerSecond} img/s (${report.ceiling.case}); ` +
      `single pass with all cores: p50 ${report.singlePass.p50Ms} ms.`,
  );
}

if (require.main === module) {
  void pipelineBench().then((report) => {
    printPipeline(report);
    log(`Wrote ${writeResult('pipeline', report)}.`);
  });
}
