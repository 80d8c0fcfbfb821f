/**
 * bench:soak: c=8 with push for BENCH_SOAK_MINUTES (default 10) against the
 * production build. Reports RSS after the first minute and at the end, every
 * error, and how many ONNX Runtime sessions the server created (one per
 * worker at boot, never one per request).
 */
import { performance } from 'node:perf_hooks';
import { VirtualUser } from './lib/load-client';
import { LOAD_ENV } from './load';
import { ensureBenchModels } from './lib/models';
import { photoMix } from './lib/photos';
import { log, printTable, writeResult } from './lib/report';
import { BenchServer } from './lib/server';
import { round, summarize } from './lib/stats';

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 10);
const CONCURRENCY = 8;

export async function soakBench() {
  ensureBenchModels();
  const photos = await photoMix();
  const server = await BenchServer.start(LOAD_ENV);
  const sessionsAtBoot = server.sessionsLoaded;
  const users = await Promise.all(
    Array.from({ length: CONCURRENCY }, () => VirtualUser.create(server.url, 'push')),
  );
  const started = performance.now();
  const end = started + MINUTES * 60_000;
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  const rssByMinute: number[] = [];
  const sampler = setInterval(() => {
    rssByMinute.push(round(server.rssMiB()));
    log(
      `soak minute ${rssByMinute.length}: RSS ${rssByMinute.at(-1)} MiB, ${latencies.length} ok.`,
    );
  }, 60_000);
  let next = 0;
  await Promise.all(
    users.map(async (user) => {
      while (performance.now() < end) {
        const outcome = await user.once(photos[next++ % photos.length]);
        if (outcome.ok) latencies.push(outcome.ms);
        else errors.set(outcome.status ?? '?', (errors.get(outcome.status ?? '?') ?? 0) + 1);
      }
    }),
  );
  clearInterval(sampler);
  const rssEnd = round(server.rssMiB());
  const restarts = await server.metric('depthserve_worker_restarts_total');
  users.forEach((user) => user.close());
  const sessionsAtEnd = server.sessionsLoaded;
  await server.stop();
  const rssAt1 = rssByMinute[0] ?? Number.NaN;
  const latency = summarize(latencies);
  return {
    minutes: MINUTES,
    concurrency: CONCURRENCY,
    completed: latencies.length,
    imagesPerSecond: round(latencies.length / (MINUTES * 60), 2),
    p50Ms: round(latency.p50),
    p99Ms: round(latency.p99),
    errors: Object.fromEntries(errors),
    rssAt1MinMiB: rssAt1,
    rssEndMiB: rssEnd,
    rssGrowthPct: round(((rssEnd - rssAt1) / rssAt1) * 100, 2),
    rssByMinute,
    workerRestarts: restarts,
    sessionsAtBoot,
    sessionsAtEnd,
  };
}

if (require.main === module) {
  void soakBench().then((report) => {
    const row = {
      ...report,
      errors: JSON.stringify(report.errors),
      rssByMinute: report.rssByMinute.join(' '),
    };
    printTable('Soak', [row]);
    log(`Wrote ${writeResult('soak', report)}.`);
  });
}
