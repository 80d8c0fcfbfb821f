import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { JobsService } from '../src/jobs/jobs.service';
import { photo, ROOT } from './helpers/paths';
import { listen, sleep, startApp, TestApp, waitFinished, waitReady } from './helpers/test-app';

const QUEUE_MAX = 8;
const BURST = 100; // > 10x QUEUE_MAX, all in flight at once
const PHOTO = readFileSync(photo('street_london_2048.jpg'));
const MiB = 1024 * 1024;

// A real collection before measuring what the process keeps, so a leak is
// told apart from garbage not yet collected (RSS alone cannot tell them apart).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Live JS heap plus ArrayBuffer memory (upload bodies, images) after a full GC, in MiB. */
function retainedMiB(): number {
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return Math.round((heapUsed + arrayBuffers) / MiB);
}

interface Answer {
  route: string;
  status: number | 'network_error';
  retryAfter: string | null;
  code?: string;
  id?: string;
}

/** Every fifth upload goes to the legacy route, the rest to the v1 API. */
async function uploadOnce(port: number, i: number): Promise<Answer> {
  const route = i % 5 === 4 ? '/upload' : '/api/v1/depth';
  const form = new FormData();
  form.append('file', new Blob([PHOTO]), 'street.jpg');
  try {
    const res = await fetch(`http://127.0.0.1:${port}${route}`, { method: 'POST', body: form });
    const body = (await res.json()) as { id?: string; request_id?: string; code?: string };
    const retryAfter = res.headers.get('retry-after');
    return {
      route,
      status: res.status,
      retryAfter,
      code: body.code,
      id: body.id ?? body.request_id,
    };
  } catch {
    return { route, status: 'network_error', retryAfter: null };
  }
}

/** Samples this process's RSS (the server runs in it) every 50 ms until stopped. */
function sampleRss() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

/**
 * Sockets hold their last buffers until they close: kept-alive ones until the
 * keep-alive timeout, refused uploads while their body is drained (at most
 * 10 s). Close the idle ones and wait for the rest, so that only what the
 * service itself keeps is measured.
 */
async function settleConnections(server: Server): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    server.closeIdleConnections();
    const open = await new Promise<number>((resolve, reject) =>
      server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );
    if (open === 0 || Date.now() > deadline) return;
    await sleep(100);
  }
}

/**
 * The least retained memory over a few seconds: the test's own HTTP client
 * runs in this process and lets go of its request bodies a little later than
 * the server, while anything the service leaked would stay in every sample.
 */
async function settledRetainedMiB(): Promise<number> {
  let least = retainedMiB();
  for (let i = 0; i < 8; i++) {
    await sleep(300);
    least = Math.min(least, retainedMiB());
  }
  return least;
}

async function burst(t: TestApp) {
  const port = await listen(t);
  // One job first, so that baseline memory includes warmed workers and a decoded photo.
  const warm = await t.http().post('/api/v1/depth').attach('file', PHOTO, 'street.jpg').expect(202);
  await waitFinished(t, warm.body.id);
  const retainedBefore = retainedMiB();
  const baseline = process.memoryUsage().rss;
  const stopSampling = sampleRss();
  const started = Date.now();
  const answers = await Promise.all(Array.from({ length: BURST }, (_, i) => uploadOnce(port, i)));
  const accepted = answers.filter((a) => a.status === 202 || a.status === 200);
  const finished = await Promise.all(accepted.map((a) => waitFinished(t, a.id!, 60_000)));
  const elapsedMs = Date.now() - started;
  const peak = stopSampling();
  await sleep(500);
  const after = process.memoryUsage().rss;
  await settleConnections(t.app.getHttpServer() as Server);
  const retained = await settledRetainedMiB();
  const byStatus: Record<string, number> = {};
  for (const a of answers) byStatus[String(a.status)] = (byStatus[String(a.status)] ?? 0) + 1;
  return {
    answers,
    finished,
    summary: {
      sent: BURST,
      accepted: accepted.length,
      byStatus,
      completed: finished.filter((job) => job.status === 'done').length,
      failed: finished.filter((job) => job.status === 'failed').length,
      elapsedMs,
      rssBaselineMiB: Math.round(baseline / MiB),
      rssPeakMiB: Math.round(peak / MiB),
      rssAfterMiB: Math.round(after / MiB),
      retainedBeforeMiB: retainedBefore,
      retainedAfterMiB: retained,
    },
  };
}

/** Only 202/200, 503 queue_full or 429 rate_limited (both with Retry-After) are acceptable. */
function expectOnlyOrderlyAnswers(answers: Answer[]): void {
  for (const a of answers) {
    if (a.status === 202) expect(a.route).toBe('/api/v1/depth');
    else if (a.status === 200) expect(a.route).toBe('/upload');
    else {
      expect({ status: a.status, code: a.code }).toEqual(
        a.status === 429
          ? { status: 429, code: 'rate_limited' }
          : { status: 503, code: 'queue_full' },
      );
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
    }
  }
}

const report: Record<string, unknown> = {};

afterAll(() => {
  mkdirSync(join(ROOT, 'test', 'artifacts'), { recursive: true });
  writeFileSync(join(ROOT, 'test', 'artifacts', 'burst.json'), JSON.stringify(report, null, 2));
});

describe(`a burst of ${BURST} simultaneous uploads against QUEUE_MAX=${QUEUE_MAX}`, () => {
  let t: TestApp | undefined;

  afterEach(() => t?.close());

  it('without a rate limit: only 202/200 or 503 queue_full, every accepted job done, memory bounded', async () => {
    t = await startApp({ QUEUE_MAX: String(QUEUE_MAX), WORKERS: '2', UPLOAD_RATE_LIMIT: 'off' });
    await waitReady(t);
    // Twice: what the process keeps after a burst (collected heap and buffers) must not grow,
    // and RSS, which allocators keep high for reuse, must not keep climbing by much either.
    const rounds = [await burst(t), await burst(t)];
    report.limiterOff = rounds.map(({ summary }) => summary);
    for (const [i, { answers, summary }] of rounds.entries()) {
      console.log(`Burst ${i + 1}, limiter off: ${JSON.stringify(summary)}`);
      expectOnlyOrderlyAnswers(answers);
      expect(summary.byStatus['503']).toBeGreaterThan(0);
      expect(summary.accepted).toBeGreaterThanOrEqual(QUEUE_MAX);
      expect(summary.completed).toBe(summary.accepted);
      // Generous for a 2-core shared machine; the test's own 100 request bodies count too.
      expect(summary.rssPeakMiB - summary.rssBaselineMiB).toBeLessThan(768);
      expect(summary.retainedAfterMiB - summary.retainedBeforeMiB).toBeLessThan(32);
    }
    expect(t.app.get(JobsService).depth).toBe(0);
    const [first, second] = rounds.map(({ summary }) => summary);
    expect(second.retainedAfterMiB - first.retainedAfterMiB).toBeLessThan(32);
    expect(second.rssAfterMiB - first.rssAfterMiB).toBeLessThan(256);
    await t.http().get('/healthz').expect(200);
  });

  it('with a rate limit: 429 rate_limited past it, 503 queue_full past the queue, every accepted job done', async () => {
    t = await startApp({ QUEUE_MAX: String(QUEUE_MAX), WORKERS: '2', UPLOAD_RATE_LIMIT: '30' });
    await waitReady(t);
    const { answers, summary } = await burst(t);
    report.limiterOn = summary;
    console.log(`Burst, limiter at 30/min: ${JSON.stringify(summary)}`);

    expectOnlyOrderlyAnswers(answers);
    // 30 per minute including the warm-up upload: the other 71 are over the limit.
    expect(summary.byStatus['429']).toBe(BURST - 29);
    expect(summary.byStatus['503']).toBeGreaterThan(0);
    expect(summary.completed).toBe(summary.accepted);
    expect(summary.rssPeakMiB - summary.rssBaselineMiB).toBeLessThan(768);
    // What survives a GC once the burst is over, not RSS, which allocators keep high for reuse.
    expect(summary.retainedAfterMiB - summary.retainedBeforeMiB).toBeLessThan(32);
  });
});
