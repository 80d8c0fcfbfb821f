import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { model, photo } from './helpers/paths';
import { sample } from './helpers/prometheus';
import { sleep, startApp, TestApp, waitFinished, waitReady } from './helpers/test-app';

const NOT_AN_IMAGE = Buffer.from('plain text, not an image\n'.repeat(20));

describe('GET /metrics', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function scrape(): Promise<string> {
    const res = await t!.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return res.text;
  }

  it('counts real uploads, rejections by code, requests by route pattern and job timings', async () => {
    t = await startApp({ WORKERS: '1' });
    await waitReady(t);
    const ids: string[] = [];
    for (const name of ['chelsea_cat_small.jpg', 'coffee_cup_closeup.png']) {
      const res = await t.http().post('/api/v1/depth').attach('file', photo(name)).expect(202);
      ids.push((res.body as { id: string }).id);
    }
    const legacy = await t
      .http()
      .post('/upload')
      .attach('file', photo('chelsea_cat_small.jpg'))
      .expect(200);
    const unsupported = await t
      .http()
      .post('/api/v1/depth')
      .attach('file', NOT_AN_IMAGE, 'notes.jpg')
      .expect(415);
    expect(unsupported.body).toMatchObject({ code: 'unsupported_image' });
    await t.http().post('/upload').field('other', 'x').expect(400);
    for (const id of ids) expect((await waitFinished(t, id)).status).toBe('done');
    const legacyId = (legacy.body as { request_id: string }).request_id;
    for (let i = 0; i < 400; i++) {
      if ((await t.http().get(`/result/${legacyId}`)).status === 200) break;
      await sleep(25);
    }
    await t.http().get('/no/such/route').expect(404);

    const text = await scrape();
    expect(sample(text, 'depthserve_uploads_accepted_total', { route: '/api/v1/depth' })).toBe(2);
    expect(sample(text, 'depthserve_uploads_accepted_total', { route: '/upload' })).toBe(1);
    expect(
      sample(text, 'depthserve_uploads_rejected_total', {
        route: '/api/v1/depth',
        reason: 'unsupported_image',
      }),
    ).toBe(1);
    expect(
      sample(text, 'depthserve_uploads_rejected_total', { route: '/upload', reason: 'no_file' }),
    ).toBe(1);

    const http = (route: string, status: number, method = 'GET') =>
      sample(text, 'depthserve_http_requests_total', {
        method,
        route,
        status_code: String(status),
      });
    expect(http('/api/v1/depth', 202, 'POST')).toBe(2);
    expect(http('/api/v1/depth', 415, 'POST')).toBe(1);
    expect(http('/upload', 200, 'POST')).toBe(1);
    expect(http('/api/v1/depth/:id', 200)).toBeGreaterThanOrEqual(2);
    expect(http('/result/:id', 200)).toBe(1);
    expect(http('unmatched', 404)).toBe(1);
    // The route pattern, never the URL: no job id may become a label value.
    for (const id of [...ids, legacyId]) expect(text).not.toContain(id);
    expect(
      sample(text, 'depthserve_http_request_duration_seconds_count', {
        route: '/api/v1/depth',
        status_code: '202',
      }),
    ).toBe(2);

    for (const name of [
      'depthserve_job_queue_wait_seconds_count',
      'depthserve_job_decode_seconds_count',
      'depthserve_job_inference_seconds_count',
      'depthserve_job_postprocess_seconds_count',
    ]) {
      expect([name, sample(text, name)]).toEqual([name, 3]);
    }
    expect(sample(text, 'depthserve_job_duration_seconds_count', { outcome: 'done' })).toBe(3);
    expect(sample(text, 'depthserve_job_inference_seconds_sum')).toBeGreaterThan(0);
    // Seconds, not milliseconds: three tiny-model jobs take well under a minute.
    expect(sample(text, 'depthserve_job_duration_seconds_sum', { outcome: 'done' })).toBeLessThan(
      60,
    );

    expect(sample(text, 'depthserve_queue_depth')).toBe(0);
    expect(sample(text, 'depthserve_queue_capacity')).toBe(32);
    expect(sample(text, 'depthserve_workers')).toBe(1);
    expect(sample(text, 'depthserve_workers_alive')).toBe(1);
    expect(sample(text, 'depthserve_workers_busy')).toBe(0);
    expect(sample(text, 'depthserve_worker_restarts_total')).toBe(0);
    expect(sample(text, 'depthserve_model_ready')).toBe(1);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('shows a busy queue at scrape time and counts a queue_full refusal from the guard', async () => {
    t = await startApp({ MODEL_PATH: model('slow'), WORKERS: '1', QUEUE_MAX: '2' });
    await waitReady(t);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await t
        .http()
        .post('/api/v1/depth')
        .attach('file', photo('chelsea_cat_small.jpg'))
        .expect(202);
      ids.push((res.body as { id: string }).id);
    }
    const refused = await t
      .http()
      .post('/api/v1/depth')
      .attach('file', photo('chelsea_cat_small.jpg'))
      .expect(503);
    expect(refused.body).toMatchObject({ code: 'queue_full' });

    const busy = await scrape();
    expect(sample(busy, 'depthserve_queue_depth')).toBe(2);
    expect(sample(busy, 'depthserve_queue_capacity')).toBe(2);
    expect(sample(busy, 'depthserve_workers_busy')).toBe(1);
    expect(
      sample(busy, 'depthserve_uploads_rejected_total', {
        route: '/api/v1/depth',
        reason: 'queue_full',
      }),
    ).toBe(1);

    for (const id of ids) await waitFinished(t, id);
    const idle = await scrape();
    expect(sample(idle, 'depthserve_queue_depth')).toBe(0);
    expect(sample(idle, 'depthserve_workers_busy')).toBe(0);
    expect(sample(idle, 'depthserve_job_duration_seconds_count', { outcome: 'done' })).toBe(2);
    // The second job waited for the first one to leave the only worker.
    const waited = sample(idle, 'depthserve_job_queue_wait_seconds_sum')!;
    const inference = sample(idle, 'depthserve_job_inference_seconds_sum')!;
    expect(waited).toBeGreaterThan(inference / 2 / 2);
  });

  it('counts a worker thread that exited as a restart, and its job as failed', async () => {
    t = await startApp({ WORKERS: '1', FAULT_INJECTION: 'true' });
    await waitReady(t);
    const exits = await sharp(readFileSync(photo('chelsea_cat_small.jpg')))
      .withExif({ IFD0: { ImageDescription: 'depthserve-fault=worker-exit' } })
      .jpeg()
      .toBuffer();
    const res = await t.http().post('/api/v1/depth').attach('file', exits, 'exit.jpg').expect(202);
    expect((await waitFinished(t, (res.body as { id: string }).id)).status).toBe('failed');
    let text = '';
    for (let i = 0; i < 400; i++) {
      text = await scrape();
      if (sample(text, 'depthserve_worker_restarts_total') === 1) break;
      await sleep(25);
    }
    expect(sample(text, 'depthserve_worker_restarts_total')).toBe(1);
    expect(sample(text, 'depthserve_jobs_failed_total', { reason: 'worker_error' })).toBe(1);
    expect(sample(text, 'depthserve_job_duration_seconds_count', { outcome: 'failed' })).toBe(1);
    expect(sample(text, 'depthserve_job_inference_seconds_count')).toBe(0);
    // The counter stays monotonic across scrapes.
    expect(sample(await scrape(), 'depthserve_worker_restarts_total')).toBe(1);
  });
});
