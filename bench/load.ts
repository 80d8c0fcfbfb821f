/**
 * bench:load: the production build under closed-loop load from this separate
 * process, at each concurrency, over the fixed photo mix: once with Socket.IO
 * push, once polling, and on the legacy /upload + /result/<id> path.
 */
import type { Mode } from './lib/load-client';
import { POLL_INTERVAL_MS } from './lib/load-client';
import { runLevel, LoadRow } from './lib/load-runner';
import { BENCH_MODEL, ensureBenchModels } from './lib/models';
import { photoMix } from './lib/photos';
import { log, printTable, writeResult } from './lib/report';
import { BenchServer } from './lib/server';

export interface LoadReport {
  env: Record<string, string>;
  pollIntervalMs: number;
  rows: LoadRow[];
  sessionsLoaded: number;
}

const LEVELS = (process.env.BENCH_LEVELS ?? '1,2,4,8,16,32').split(',').map(Number);
const MODES = (process.env.BENCH_MODES ?? 'push,inline,sync,poll,legacy').split(',') as Mode[];
const DURATION_MS = Number(process.env.BENCH_LOAD_MS ?? 15_000);

/**
 * The service as deployed, with the bench model. Dedupe is off because the
 * mix repeats photos on purpose; the queue holds every user so the levels
 * measure latency, not refusals (overload has its own tests).
 */
export const LOAD_ENV: Record<string, string> = {
  MODEL_PATH: BENCH_MODEL,
  QUEUE_MAX: '64',
  DEDUPE: 'off',
};

export async function loadBench(): Promise<LoadReport> {
  ensureBenchModels();
  const photos = await photoMix();
  const server = await BenchServer.start(LOAD_ENV);
  const rows: LoadRow[] = [];
  try {
    for (const mode of MODES) {
      for (const c of LEVELS) {
        const row = await runLevel(server, photos, {
          mode,
          c,
          warmupMs: 3000,
          durationMs: DURATION_MS,
        });
        log(`load ${mode} c=${c}: ${row.imagesPerSecond} img/s, p50 ${row.p50Ms} ms.`);
        rows.push(row);
      }
    }
  } finally {
    await server.stop();
  }
  return {
    env: LOAD_ENV,
    pollIntervalMs: POLL_INTERVAL_MS,
    rows,
    sessionsLoaded: server.sessionsLoaded,
  };
}

export function printLoad(report: LoadReport): void {
  printTable(
    `Service under closed-loop load (polling every ${report.pollIntervalMs} ms)`,
    report.rows as never,
  );
}

if (require.main === module) {
  void loadBench().then((report) => {
    printLoad(report);
    log(`Wrote ${writeResult('load', report)}.`);
  });
}
