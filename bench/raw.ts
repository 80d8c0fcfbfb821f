/**
 * bench:raw: onnxruntime-node alone, in-process, on the bench model. Every
 * way of splitting the cores between sessions and intra-op threads, the
 * session options worth trying at the best split, and batching. The best
 * split's throughput is the raw ceiling the pipeline is judged against.
 */
import { availableParallelism } from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';
import { sessionOptions } from '../src/inference/session-options';
import {
  BENCH_MODEL,
  BENCH_MODEL_DYNAMIC,
  BENCH_MODEL_FAITHFUL,
  ensureBenchModels,
  TINY_MODEL,
} from './lib/models';
import { runRaw } from './lib/raw-runner';
import { log, printTable, writeResult } from './lib/report';
import { round } from './lib/stats';

export interface RawRow {
  case: string;
  workers: number;
  threads: number;
  batch: number;
  imagesPerSecond: number;
  msPerRun: number;
}

export interface RawReport {
  rows: RawRow[];
  ceiling: RawRow;
  calibration: { benchMs1: number; benchMs2: number; tinyMs1: number; tinyMs2: number };
}

type Options = InferenceSession.SessionOptions;

async function measure(
  label: string,
  workers: number,
  threads: number,
  extra: Partial<Options> = {},
  model = BENCH_MODEL,
  batch = 1,
): Promise<RawRow> {
  const options = { ...sessionOptions(threads), ...extra };
  const outcome = await runRaw({ modelPath: model, workers, options, batch });
  const row = {
    case: label,
    workers,
    threads,
    batch,
    imagesPerSecond: round(outcome.imagesPerSecond),
    msPerRun: round(outcome.medianRunMs),
  };
  log(`raw ${label}: ${row.imagesPerSecond} img/s, ${row.msPerRun} ms per run.`);
  return row;
}

export async function rawBench(): Promise<RawReport> {
  ensureBenchModels();
  const cores = availableParallelism();
  const rows: RawRow[] = [];
  const tiny1 = await measure('tiny model, 1 thread', 1, 1, {}, TINY_MODEL);
  const tiny2 = await measure(`tiny model, ${cores} threads`, 1, cores, {}, TINY_MODEL);
  const single = await measure('1 session x 1 thread', 1, 1);
  const wide = await measure(`1 session x ${cores} threads`, 1, cores);
  const split = await measure(`${cores} workers x 1 thread`, cores, 1);
  const oneExtra = await measure(`${cores + 1} workers x 1 thread (one extra)`, cores + 1, 1);
  const noSpin = sessionOptions(cores, false);
  const over = await measure(`${cores} workers x ${cores} threads (over-subscribed)`, cores, cores);
  const wideSpin = await measure(`1 session x ${cores} threads, no spinning`, 1, cores, noSpin);
  const overSpin = await measure(
    `${cores} workers x ${cores} threads, no spinning (the service's choice)`,
    cores,
    cores,
    noSpin,
  );
  const faithful1 = await measure('published widths, 1 thread', 1, 1, {}, BENCH_MODEL_FAITHFUL);
  const faithfulN = await measure(
    `published widths, ${cores} threads`,
    1,
    cores,
    {},
    BENCH_MODEL_FAITHFUL,
  );
  rows.push(
    tiny1,
    tiny2,
    single,
    wide,
    faithful1,
    faithfulN,
    wideSpin,
    split,
    oneExtra,
    over,
    overSpin,
  );

  const best = [wide, split, oneExtra].reduce((a, b) =>
    b.imagesPerSecond > a.imagesPerSecond ? b : a,
  );
  const at = (label: string, extra: Partial<Options>) =>
    measure(`best split, ${label}`, best.workers, best.threads, extra);
  rows.push(
    await at('graph optimisation basic', { graphOptimizationLevel: 'basic' }),
    await at('graph optimisation extended', { graphOptimizationLevel: 'extended' }),
    await at('no memory arena', { enableCpuMemArena: false }),
    await at('no memory pattern', { enableMemPattern: false }),
    await at('parallel execution mode', { executionMode: 'parallel', interOpNumThreads: cores }),
  );
  // Batching, on a dynamic-batch variant: per core split, images per second at batch 1 and 8.
  for (const [workers, threads] of [
    [1, cores],
    [best.workers, best.threads],
  ]) {
    for (const batch of [1, 8]) {
      const label = `dynamic model, ${workers} x ${threads}, batch ${batch}`;
      rows.push(await measure(label, workers, threads, {}, BENCH_MODEL_DYNAMIC, batch));
    }
  }
  const calibration = {
    benchMs1: single.msPerRun,
    benchMs2: wide.msPerRun,
    tinyMs1: tiny1.msPerRun,
    tinyMs2: tiny2.msPerRun,
  };
  return { rows, ceiling: best, calibration };
}

/** The real MiDaS v2.1 small network on these machines, as the issue states it. */
export const REFERENCE_MS = { oneThread: 62, twoThreads: 30 };

export function printRaw(report: RawReport): void {
  printTable('Raw onnxruntime-node (bench model, 256x256)', report.rows as never);
  const { benchMs1, benchMs2 } = report.calibration;
  console.log(
    `\nCalibration: ${benchMs1} ms at 1 thread (${round(benchMs1 / REFERENCE_MS.oneThread, 2)}x the real network's ` +
      `${REFERENCE_MS.oneThread} ms), ${benchMs2} ms at 2 threads (${round(benchMs2 / REFERENCE_MS.twoThreads, 2)}x its ` +
      `${REFERENCE_MS.twoThreads} ms). Raw ceiling: ${report.ceiling.imagesPerSecond} img/s (${report.ceiling.case}).`,
  );
}

if (require.main === module) {
  void rawBench().then((report) => {
    printRaw(report);
    log(`Wrote ${writeResult('raw', report)}.`);
  });
}
