import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { Fault } from '../src/inference/fault-injection';
import { model, photo } from './helpers/paths';
import { sleep, startApp, TestApp, waitFinished, waitReady } from './helpers/test-app';

const cat = () => readFileSync(photo('chelsea_cat_small.jpg'));

/** A real photo carrying the test-only fault marker in its EXIF description. */
const faulty = (fault: Fault) =>
  sharp(cat())
    .withExif({ IFD0: { ImageDescription: `depthserve-fault=${fault}` } })
    .jpeg()
    .toBuffer();

interface Sample {
  status: number;
  workers: { alive: number; count: number };
}

/** Polls /healthz every 10 ms until stopped; returns what it saw. */
function sampleReadiness(t: TestApp) {
  const samples: Sample[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const res = await t.http().get('/healthz');
      const body = res.body as { details: { workers: Sample['workers'] } };
      samples.push({ status: res.status, workers: body.details.workers });
      await sleep(10);
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await done;
      return samples;
    },
  };
}

/** Uploads the fault image, then three good photos that queue behind it on the one worker. */
async function faultThenQueue(t: TestApp, image: Buffer) {
  const bad = await t.http().post('/api/v1/depth').attach('file', image, 'bad.jpg').expect(202);
  const queued: string[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await t.http().post('/api/v1/depth').attach('file', cat(), 'cat.jpg').expect(202);
    queued.push(res.body.id);
  }
  return { bad: bad.body.id as string, queued };
}

async function expectAllDone(t: TestApp, ids: string[]): Promise<void> {
  const finished = await Promise.all(ids.map((id) => waitFinished(t, id, 40_000)));
  expect(finished.map((job) => job.status as string)).toEqual(ids.map(() => 'done'));
}

describe('a worker thread that dies (FAULT_INJECTION, test-only)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The slow model takes hundreds of ms to load and warm, so the replacement's warm-up is observable.
    t = await startApp({ MODEL_PATH: model('slow'), WORKERS: '1', FAULT_INJECTION: 'true' });
    await waitReady(t, 40_000);
  });
  afterAll(() => t.close());

  it('fails only its job, is replaced and warmed before readiness recovers, and runs the queued jobs', async () => {
    const readiness = sampleReadiness(t);
    const { bad, queued } = await faultThenQueue(t, await faulty('worker-exit'));

    const failed = await waitFinished(t, bad);
    expect(failed).toMatchObject({
      status: 'failed',
      error: {
        reason: 'worker_error',
        message: expect.stringMatching(/worker thread stopped .*exit code 1.*replaced/),
      },
    });
    const result = await t.http().get(`/api/v1/depth/${bad}/result`).expect(500);
    expect(result.body).toMatchObject({ code: 'job_failed', reason: 'worker_error' });
    await expectAllDone(t, queued);
    await waitReady(t);
    const samples = await readiness.stop();

    // While the replacement thread loaded its session, readiness said so; then it recovered.
    const loading = samples.findIndex((s) => s.status === 503 && s.workers.alive === 0);
    expect(loading).toBeGreaterThanOrEqual(0);
    expect(samples[loading].workers.count).toBe(1);
    const health = await t.http().get('/healthz').expect(200);
    expect(health.body.details.workers).toEqual({ status: 'up', count: 1, alive: 1 });
    const next = await t.http().post('/api/v1/depth').attach('file', cat(), 'cat.jpg').expect(202);
    await expectAllDone(t, [next.body.id]);
  });

  it('fails only its job when the pipeline throws, keeping the thread', async () => {
    const readiness = sampleReadiness(t);
    const { bad, queued } = await faultThenQueue(t, await faulty('worker-throw'));
    expect(await waitFinished(t, bad)).toMatchObject({
      status: 'failed',
      error: { reason: 'worker_error', message: expect.stringContaining('Injected fault') },
    });
    await expectAllDone(t, queued);
    const samples = await readiness.stop();
    expect(samples.length).toBeGreaterThan(5);
    expect(samples.every((s) => s.workers.alive === 1)).toBe(true);
  });
});

describe('a worker thread that hangs outside ONNX Runtime (FAULT_INJECTION, test-only)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({
      MODEL_PATH: model('slow'),
      WORKERS: '1',
      FAULT_INJECTION: 'true',
      JOB_TIMEOUT_MS: '4000',
    });
    await waitReady(t, 40_000);
  });
  afterAll(() => t.close());

  it('times the job out, terminates and replaces the thread, and runs the queued jobs', async () => {
    const readiness = sampleReadiness(t);
    const { bad, queued } = await faultThenQueue(t, await faulty('worker-hang'));
    expect(await waitFinished(t, bad)).toMatchObject({
      status: 'failed',
      error: { reason: 'timeout', message: expect.stringContaining('4000 ms') },
    });
    // One worker: the queued jobs can only run once the hung thread was terminated and replaced.
    await expectAllDone(t, queued);
    await waitReady(t);
    const samples = await readiness.stop();
    expect(samples.some((s) => s.status === 503 && s.workers.alive === 0)).toBe(true);
    const health = await t.http().get('/healthz').expect(200);
    expect(health.body.details.workers).toEqual({ status: 'up', count: 1, alive: 1 });
  });
});

describe('the fault hook is inert by default', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ WORKERS: '1' });
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('processes an image carrying the fault marker like any other', async () => {
    expect(t.config.faultInjection).toBe(false);
    const image = await faulty('worker-exit');
    const res = await t.http().post('/api/v1/depth').attach('file', image, 'a.jpg').expect(202);
    expect((await waitFinished(t, res.body.id)).status).toBe('done');
    await t.http().get('/healthz').expect(200);
  });
});
