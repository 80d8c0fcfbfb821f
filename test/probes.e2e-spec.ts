import { model, photo } from './helpers/paths';
import { sleep, startApp, TestApp, waitFinished, waitReady } from './helpers/test-app';

type Details = Record<string, { status: string; message?: string } & Record<string, unknown>>;

describe('/readyz (= /healthz) and /livez', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const upload = () =>
    t!.http().post('/api/v1/depth').attach('file', photo('chelsea_cat_small.jpg'));

  it('is not ready, saying why, when the results disk has less than RESULTS_MIN_FREE_BYTES free', async () => {
    t = await startApp({ RESULTS_MIN_FREE_BYTES: String(10 ** 15) });
    let details: Details = {};
    for (let i = 0; i < 400 && details.model?.status !== 'up'; i++) {
      const res = await t.http().get('/readyz').expect(503);
      details = (res.body as { details: Details }).details;
      if (details.model?.status !== 'up') await sleep(25);
    }
    expect(details).toMatchObject({
      model: { status: 'up' },
      workers: { status: 'up' },
      queue: { status: 'up' },
      results: { status: 'down', minFreeBytes: 10 ** 15 },
    });
    expect(details.results.message).toMatch(
      /^Only [\d.]+ MiB free for results; RESULTS_MIN_FREE_BYTES asks for 953674316\.4 MiB\./,
    );
    const healthz = await t.http().get('/healthz').expect(503);
    expect((healthz.body as { details: Details }).details.results.status).toBe('down');
    await t.http().get('/livez').expect(200, { status: 'ok' });
  });

  it('is ready with the default threshold, and reports the free space', async () => {
    t = await startApp();
    await waitReady(t);
    const res = await t.http().get('/readyz').expect(200);
    const { results, queue } = (res.body as { details: Details }).details;
    expect(results).toMatchObject({ status: 'up', minFreeBytes: 256 * 1024 * 1024 });
    expect(results.freeBytes).toBeGreaterThanOrEqual(256 * 1024 * 1024);
    expect(queue).toMatchObject({ status: 'up', depth: 0, capacity: 32, saturatedAt: 32 });
  });

  it('goes unready at READY_QUEUE_SATURATION of QUEUE_MAX, before uploads are refused, and back', async () => {
    t = await startApp({
      MODEL_PATH: model('slow'),
      WORKERS: '1',
      QUEUE_MAX: '4',
      READY_QUEUE_SATURATION: '0.5',
    });
    await waitReady(t);
    const first = await upload().expect(202);
    await t.http().get('/readyz').expect(200);

    const second = await upload().expect(202);
    const saturated = await t.http().get('/readyz').expect(503);
    const { queue } = (saturated.body as { details: Details }).details;
    expect(queue).toMatchObject({ status: 'down', depth: 2, capacity: 4, saturatedAt: 2 });
    expect(queue.message).toBe(
      '2 of 4 jobs queued or running, at or above the readiness limit of 2 ' +
        '(READY_QUEUE_SATURATION 0.5).',
    );
    await t.http().get('/livez').expect(200);
    // Readiness steers new work away early; admission still takes uploads up to QUEUE_MAX.
    const third = await upload().expect(202);

    for (const res of [first, second, third]) {
      expect((await waitFinished(t, (res.body as { id: string }).id)).status).toBe('done');
    }
    await t.http().get('/readyz').expect(200);
  });
});
