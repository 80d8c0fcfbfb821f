import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { ClientRequest, IncomingMessage, request } from 'node:http';
import sharp from 'sharp';
import { JobsService } from '../src/jobs/jobs.service';
import { JobEvents } from '../src/results/job-events';
import { ResultsStore } from '../src/results/results.store';
import { jpegScanStart, multipartBody } from './helpers/corpus';
import { model, photo } from './helpers/paths';
import { listen, startApp, TestApp, until, waitFinished, waitReady } from './helpers/test-app';

const CAT = 'chelsea_cat_small.jpg';
const read = (name: string) => readFileSync(photo(name));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function sizeOf(bytes: Buffer) {
  const { format, width, height } = await sharp(bytes).metadata();
  return { format, width, height };
}

function sync(t: TestApp, bytes: Buffer, query = '') {
  return t
    .http()
    .post(`/api/v1/depth/sync${query}`)
    .attach('file', bytes, 'photo.jpg')
    .buffer(true);
}

/** A raw multipart upload to the sync route; `body` may be cut short of the declared length. */
async function rawSync(t: TestApp, query: string, body: Buffer, length = body.length) {
  const { contentType } = multipartBody([]);
  const req = request({
    port: await listen(t),
    host: '127.0.0.1',
    method: 'POST',
    path: `/api/v1/depth/sync${query}`,
    headers: { 'content-type': contentType, 'content-length': length },
  });
  req.on('error', () => undefined);
  req.write(body);
  return req;
}

/** The status and JSON body of a response to a raw request, then the request is dropped. */
async function answerOf(req: ClientRequest) {
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  req.destroy();
  return { status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString()) as object };
}

/** A photo with a slice of its scan cut out: it passes the upload checks and fails to decode. */
function slicedJpeg(): Buffer {
  const whole = read(CAT);
  const cut = Math.floor((jpegScanStart(whole) + whole.length) / 2);
  return Buffer.concat([whole.subarray(0, cut), whole.subarray(cut + 4000)]);
}

describe('POST /api/v1/depth/sync', () => {
  let t: TestApp;
  let store: ResultsStore;

  beforeAll(async () => {
    t = await startApp({ DEDUPE: 'on' });
    store = t.app.get(ResultsStore);
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('answers the PNG heatmap at the photo size, byte for byte what the result route serves', async () => {
    const bytes = read('coffee_cup_closeup.png');
    const res = await sync(t, bytes).expect(200).expect('Content-Type', 'image/png');
    const id = res.headers['x-job-id'];
    expect(id).toMatch(UUID);
    expect(res.headers['x-dedupe']).toBe('miss');
    const input = await sizeOf(bytes);
    expect(await sizeOf(res.body as Buffer)).toEqual({ ...input, format: 'png' });

    const later = await t.http().get(`/api/v1/depth/${id}/result`).buffer(true).expect(200);
    expect((res.body as Buffer).equals(later.body as Buffer)).toBe(true);
    for (const header of ['content-type', 'content-length', 'content-disposition']) {
      expect([header, res.headers[header]]).toEqual([header, later.headers[header]]);
    }
    expect(res.headers['content-disposition']).toBe(`inline; filename="depth-${id}-inferno.png"`);
    expect((await t.http().get(`/api/v1/depth/${id}`).expect(200)).body.status).toBe('done');
  });

  it('renders ?format=jpeg&colormap=gray as the result route does', async () => {
    const bytes = read(CAT);
    const res = await sync(t, bytes, '?format=jpeg&colormap=gray')
      .expect(200)
      .expect('Content-Type', 'image/jpeg');
    const id = res.headers['x-job-id'];
    const input = await sizeOf(bytes);
    expect(await sizeOf(res.body as Buffer)).toEqual({ ...input, format: 'jpeg' });
    expect(res.headers['content-disposition']).toBe(`inline; filename="depth-${id}-gray.jpg"`);
    const later = await t
      .http()
      .get(`/api/v1/depth/${id}/result?format=jpeg&colormap=gray`)
      .buffer(true)
      .expect(200);
    expect((res.body as Buffer).equals(later.body as Buffer)).toBe(true);
  });

  it('answers an upload of a done job at once from that job, without a new one', async () => {
    const bytes = read('astronaut_portrait.png');
    const first = await sync(t, bytes).expect(200);
    const jobs = store.size;
    const again = await sync(t, bytes).expect(200);
    expect(again.headers['x-dedupe']).toBe('hit');
    expect(again.headers['x-job-id']).toBe(first.headers['x-job-id']);
    expect((again.body as Buffer).equals(first.body as Buffer)).toBe(true);
    expect(store.size).toBe(jobs);
  });

  it('answers a job that fails to decode with the result route’s 422 and the job id', async () => {
    const res = await sync(t, slicedJpeg()).expect(422);
    expect(res.body).toEqual({
      statusCode: 422,
      code: 'job_failed',
      reason: 'invalid_image',
      error: expect.stringMatching(/Corrupt JPEG data/),
    });
    const id = res.headers['x-job-id'];
    const status = (await t.http().get(`/api/v1/depth/${id}`).expect(200)).body;
    expect(status).toMatchObject({ status: 'failed', error: { reason: 'invalid_image' } });
  });

  it('refuses a bad format or colormap with 400 before reading the upload, creating no job', async () => {
    const jobs = store.size;
    const bad = await sync(t, read(CAT), '?format=gif').expect(400);
    expect(bad.body).toEqual({
      statusCode: 400,
      code: 'bad_request',
      error: 'format must be one of: png, jpeg, webp, png16, npy, pfm, ply, json.',
    });
    expect(bad.headers['x-job-id']).toBeUndefined();
    const colormap = await sync(t, read(CAT), '?colormap=rainbow').expect(400);
    expect(colormap.body.error).toMatch(/^colormap must be one of: inferno, /);
    // Only the part header of a 10 MB body is sent: the answer cannot have waited for the rest.
    const head =
      '--hostile-boundary-7d1\r\nContent-Disposition: form-data; name="file"; ' +
      'filename="a.jpg"\r\n\r\n';
    const unread = await answerOf(await rawSync(t, '?format=gif', Buffer.from(head), 10_000_000));
    expect(unread).toMatchObject({ status: 400, body: { code: 'bad_request' } });
    expect(store.size).toBe(jobs);
  });

  it('leaves the asynchronous upload route as it was', async () => {
    const res = await t.http().post('/api/v1/depth').attach('file', read(CAT), 'c.jpg').expect(202);
    expect(res.headers['x-job-id']).toBeUndefined();
    expect(Object.keys(res.body as object).sort()).toEqual([
      'deduplicated',
      'id',
      'resultUrl',
      'status',
      'statusUrl',
    ]);
  });
});

describe('sync admission and disconnects (slow model, one worker, room for two jobs)', () => {
  let t: TestApp;
  let jobs: JobsService;
  let events: JobEvents;

  beforeAll(async () => {
    t = await startApp({
      MODEL_PATH: model('slow'),
      WORKERS: '1',
      QUEUE_MAX: '2',
      // Far shorter than the waits below: Node's limit covers receiving a request, not answering it.
      REQUEST_TIMEOUT_MS: '300',
      HEADERS_TIMEOUT_MS: '200',
    });
    jobs = t.app.get(JobsService);
    events = t.app.get(JobEvents);
    await waitReady(t);
  });
  afterAll(() => t.close());

  const upload = async () =>
    (await t.http().post('/api/v1/depth').attach('file', read(CAT), 'c.jpg').expect(202)).body
      .id as string;

  it('shares admission with the async route: 503 queue_full with Retry-After, and no job', async () => {
    const busy = [await upload(), await upload()];
    const size = t.app.get(ResultsStore).size;
    const full = await sync(t, read(CAT)).expect(503);
    expect(full.body).toEqual({
      statusCode: 503,
      code: 'queue_full',
      error: expect.stringContaining('queue is full'),
    });
    expect(Number(full.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(full.headers['x-job-id']).toBeUndefined();
    expect(t.app.get(ResultsStore).size).toBe(size);
    expect(jobs.depth).toBe(2);
    for (const id of busy) expect((await waitFinished(t, id)).status).toBe('done');
    await sync(t, read(CAT)).expect(200).expect('Content-Type', 'image/png');
  });

  it('keeps waiting past REQUEST_TIMEOUT_MS once the upload has been received', async () => {
    // Two 2048-pixel photos through the slow model, about twice the 300 ms limit on a fast CPU.
    const street = read('street_london_2048.jpg');
    await t.http().post('/api/v1/depth').attach('file', street, 's.jpg').expect(202);
    const started = performance.now();
    await sync(t, street).expect(200).expect('Content-Type', 'image/png');
    expect(performance.now() - started).toBeGreaterThan(t.config.requestTimeoutMs);
    expect(jobs.depth).toBe(0);
  });

  it('lets the job finish when the client leaves while waiting, and keeps no listener', async () => {
    const queued: string[] = [];
    const stopRecording = events.on('queued', (job) => queued.push(job.id));
    const baseline = events.listenerCount;
    const blocker = await upload();
    const { body } = multipartBody([{ name: 'file', filename: 'cat.jpg', data: read(CAT) }]);
    const req = await rawSync(t, '', body);
    // The sync request waits on its job once it has one more listener than before.
    await until(() => events.listenerCount === baseline + 1, 'the sync request waits');
    req.destroy();
    expect(queued).toHaveLength(2);
    const left = queued[1];
    expect(left).not.toBe(blocker);
    await until(() => events.listenerCount === baseline, 'the waiter is gone');
    // Gone on the disconnect itself, not merely when the job ended.
    expect(jobs.current(left).finished).toBe(false);
    expect((await waitFinished(t, left)).status).toBe('done');
    await t
      .http()
      .get(`/api/v1/depth/${left}/result`)
      .expect(200)
      .expect('Content-Type', 'image/png');
    stopRecording();
    expect(jobs.depth).toBe(0);
  });
});

describe('sync timeout (slow model, one worker, SYNC_TIMEOUT_MS 100)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ MODEL_PATH: model('slow'), WORKERS: '1', SYNC_TIMEOUT_MS: '100' });
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('answers 504 with the job id and links; the job finishes and its result can be fetched', async () => {
    const listeners = t.app.get(JobEvents).listenerCount;
    // Two large jobs ahead keep the sync job queued far longer than 100 ms.
    const street = read('street_london_2048.jpg');
    for (let i = 0; i < 2; i++) {
      await t.http().post('/api/v1/depth').attach('file', street, 's.jpg').expect(202);
    }
    const bytes = read(CAT);
    const res = await sync(t, bytes).expect(504);
    const id = res.headers['x-job-id'];
    expect(id).toMatch(UUID);
    expect(res.body).toEqual({
      statusCode: 504,
      code: 'sync_timeout',
      error: expect.stringContaining(`Job ${id} did not finish within 100 ms`),
      id,
      status: expect.stringMatching(/^(queued|processing)$/),
      statusUrl: `/api/v1/depth/${id}`,
      resultUrl: `/api/v1/depth/${id}/result`,
    });
    expect(t.app.get(JobEvents).listenerCount).toBe(listeners);
    expect((await waitFinished(t, id)).status).toBe('done');
    const later = await t.http().get(res.body.resultUrl).buffer(true).expect(200);
    expect(await sizeOf(later.body as Buffer)).toEqual({ ...(await sizeOf(bytes)), format: 'png' });
  });
});
