import { performance } from 'node:perf_hooks';
import { HttpConnection } from './http-connection';
import type { Mode } from './load-client';
import { VirtualUser } from './load-client';
import type { BenchPhoto } from './photos';
import type { BenchServer } from './server';
import { percentile, round, summarize } from './stats';

export interface LoadRow {
  mode: Mode;
  c: number;
  imagesPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  ok: number;
  errors: string;
  serverCpuPct: number;
  mainThreadCpuPct: number;
  peakRssMiB: number;
  loopLagP99Ms: number;
  healthzP99Ms: number;
  clientCpuPct: number;
}

/**
 * c closed-loop users for warmupMs (discarded), then durationMs measured:
 * throughput counts results received inside the window; CPU, RSS and
 * /healthz are sampled over it; event-loop lag is prom-client's p99 for it.
 */
export async function runLevel(
  server: BenchServer,
  photos: BenchPhoto[],
  opts: { mode: Mode; c: number; warmupMs: number; durationMs: number },
): Promise<LoadRow> {
  const users = await Promise.all(
    Array.from({ length: opts.c }, () => VirtualUser.create(server.url, opts.mode)),
  );
  const start = performance.now();
  const windowStart = start + opts.warmupMs;
  const windowEnd = windowStart + opts.durationMs;
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  let next = 0;
  const lane = async (user: VirtualUser) => {
    while (performance.now() < windowEnd) {
      const outcome = await user.once(photos[next++ % photos.length]);
      if (performance.now() < windowStart || performance.now() > windowEnd) continue;
      if (outcome.ok) latencies.push(outcome.ms);
      else errors.set(outcome.status ?? '?', (errors.get(outcome.status ?? '?') ?? 0) + 1);
    }
  };
  const sampler = sampleServer(server, windowStart, windowEnd);
  await Promise.all(users.map(lane));
  const samples = await sampler;
  users.forEach((user) => user.close());
  const latency = summarize(latencies);
  return {
    mode: opts.mode,
    c: opts.c,
    imagesPerSecond: round((latencies.length * 1000) / opts.durationMs, 2),
    p50Ms: round(latency.p50),
    p95Ms: round(latency.p95),
    p99Ms: round(latency.p99),
    ok: latencies.length,
    errors: [...errors].map(([status, n]) => `${status}x${n}`).join(' ') || 'none',
    ...samples,
  };
}

async function sampleServer(server: BenchServer, from: number, to: number) {
  await until(from);
  const cpu0 = server.cpuSeconds();
  const main0 = server.mainThreadCpuSeconds();
  const client0 = process.cpuUsage();
  await server.metric('nodejs_eventloop_lag_p99_seconds'); // resets the histogram
  let peakRssMiB = server.rssMiB();
  const healthz: number[] = [];
  const probe = new HttpConnection(new URL(server.url));
  while (performance.now() < to) {
    const t = performance.now();
    await probe.request('GET', '/healthz');
    healthz.push(performance.now() - t);
    peakRssMiB = Math.max(peakRssMiB, server.rssMiB());
    await until(Math.min(to, t + 250));
  }
  probe.close();
  const seconds = (performance.now() - from) / 1000;
  const client = process.cpuUsage(client0);
  return {
    serverCpuPct: round(((server.cpuSeconds() - cpu0) / seconds) * 100),
    mainThreadCpuPct: round(((server.mainThreadCpuSeconds() - main0) / seconds) * 100),
    peakRssMiB: round(peakRssMiB),
    loopLagP99Ms: round(
      Math.max(0, (await server.metric('nodejs_eventloop_lag_p99_seconds')) * 1000 - SAMPLING_MS),
      2,
    ),
    healthzP99Ms: round(percentile(healthz, 99), 1),
    clientCpuPct: round(((client.user + client.system) / 1e6 / seconds) * 100),
  };
}

/**
 * prom-client samples the event loop every 10 ms with monitorEventLoopDelay,
 * whose histogram records each whole interval: an idle loop reads 10.3 ms at
 * p99. The lag is what exceeds the interval (as @fastify/under-pressure
 * computes it).
 */
const SAMPLING_MS = 10;

const until = (at: number) =>
  new Promise((wake) => setTimeout(wake, Math.max(0, at - performance.now())));
