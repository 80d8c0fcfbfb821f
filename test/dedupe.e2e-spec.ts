import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DedupeService } from '../src/dedupe/dedupe.service';
import { SOCKET_ID_HEADER } from '../src/realtime/realtime.events';
import { ResultsCleanupService } from '../src/results/results-cleanup.service';
import { ResultsStore } from '../src/results/results.store';
import { UploadService } from '../src/upload/upload.service';
import { corruptMiddle, texture } from './helpers/corpus';
import { model, photo, ROOT } from './helpers/paths';
import { sample } from './helpers/prometheus';
import { ServerProcess } from './helpers/server-process';
import { RecordingClient, trackedClients } from './helpers/socket-client';
import { sleep, startApp, TestApp, waitFinished, waitReady } from './helpers/test-app';

/** A fresh copy of a photo's bytes on every call, so no two uploads share a buffer. */
const read = (name: string) => readFileSync(photo(name));
const INFERENCES = 'depthserve_job_inference_seconds_count';
const HITS = 'depthserve_dedupe_hits_total';

interface Answer {
  id: string;
  status: string;
  deduplicated: boolean;
  header: string;
  ms: number;
}

async function upload(t: TestApp, bytes: Buffer, socket?: RecordingClient): Promise<Answer> {
  const started = performance.now();
  const req = t.http().post('/api/v1/depth');
  if (socket) void req.set(SOCKET_ID_HEADER, socket.socket.id!);
  const res = await req.attach('file', bytes, 'photo.jpg').expect(202);
  const ms = performance.now() - started;
  expect(Object.keys(res.body).sort()).toEqual([
    'deduplicated',
    'id',
    'resultUrl',
    'status',
    'statusUrl',
  ]);
  return { ...(res.body as Omit<Answer, 'header' | 'ms'>), header: res.headers['x-dedupe'], ms };
}

async function metric(t: TestApp, name: string, labels: Record<string, string> = {}) {
  const res = await t.http().get('/metrics').expect(200);
  return sample(res.text, name, labels) ?? 0;
}

async function heatmap(t: TestApp, id: string): Promise<Buffer> {
  const res = await t.http().get(`/api/v1/depth/${id}/result`).buffer(true).expect(200);
  return res.body as Buffer;
}

const sleepUntil = (at: number) => sleep(Math.max(0, at - Date.now()));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

describe('upload deduplication (slow model, one worker)', () => {
  let t: TestApp;
  const clients = trackedClients(() => t);
  const connect = clients.connect;

  beforeAll(async () => {
    t = await startApp({ DEDUPE: 'on', MODEL_PATH: model('slow'), WORKERS: '1' });
    await waitReady(t);
  });
  afterEach(clients.closeAll);
  afterAll(() => t.close());

  it('answers the same photo again with its done job, at once and without inference', async () => {
    const first = await upload(t, read('street_london_2048.jpg'));
    expect(first).toMatchObject({ deduplicated: false, header: 'miss' });
    const done = await waitFinished(t, first.id);
    expect(done.status).toBe('done');
    const bytes = await heatmap(t, first.id);
    expect(await metric(t, INFERENCES)).toBe(1);

    const hits: Answer[] = [];
    for (let i = 0; i < 5; i++) hits.push(await upload(t, read('street_london_2048.jpg')));
    for (const hit of hits) {
      expect(hit).toMatchObject({
        id: first.id,
        status: 'done',
        deduplicated: true,
        header: 'hit',
      });
    }
    // The worker pool ran nothing more: one inference, one job, the same timings and bytes.
    expect(await metric(t, INFERENCES)).toBe(1);
    expect(await metric(t, 'depthserve_job_duration_seconds_count', { outcome: 'done' })).toBe(1);
    expect(await metric(t, HITS, { state: 'done' })).toBe(5);
    expect(await metric(t, 'depthserve_uploads_accepted_total', { route: '/api/v1/depth' })).toBe(
      6,
    );
    const after = (await t.http().get(`/api/v1/depth/${first.id}`).expect(200)).body;
    expect([after.timings, after.finishedAt]).toEqual([done.timings, done.finishedAt]);
    expect((await heatmap(t, first.id)).equals(bytes)).toBe(true);
    expect(t.app.get(ResultsStore).size).toBe(1);

    // Generous: the whole hit round trip against the server-side time of the original job.
    const hitMs = median(hits.map((hit) => hit.ms));
    expect(hitMs * 3).toBeLessThan(done.timings.totalMs);
    const dir = join(ROOT, 'test', 'artifacts');
    mkdirSync(dir, { recursive: true });
    const figures = {
      photo: 'street_london_2048.jpg',
      missRoundTripMs: Math.round(first.ms),
      originalJob: done.timings,
      hitRoundTripsMs: hits.map((hit) => Math.round(hit.ms)),
    };
    writeFileSync(join(dir, 'dedupe-latency.json'), `${JSON.stringify(figures, null, 2)}\n`);
  });

  it('coalesces concurrent uploads of a new photo onto one job and one inference', async () => {
    const inferences = await metric(t, INFERENCES);
    const coalesced = async () =>
      (await metric(t, HITS, { state: 'queued' })) +
      (await metric(t, HITS, { state: 'processing' }));
    const coalescedBefore = await coalesced();
    const bytes = read('indoor_room_windows.jpg');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => upload(t, Buffer.from(bytes))),
    );
    const ids = new Set(answers.map((answer) => answer.id));
    expect(ids.size).toBe(1);
    expect(answers.map((a) => a.deduplicated).sort()).toEqual([false, true, true, true, true]);
    expect(answers.map((a) => a.header).sort()).toEqual(['hit', 'hit', 'hit', 'hit', 'miss']);
    const [id] = ids;
    expect((await waitFinished(t, id)).status).toBe('done');
    expect(await metric(t, INFERENCES)).toBe(inferences + 1);
    expect((await coalesced()) - coalescedBefore).toBe(4);
  });

  it('admits one job for two uploads of the same bytes in flight at once', async () => {
    const uploads = t.app.get(UploadService);
    const bytes = read('sunset_bikes_panorama.jpg');
    // Both calls start before either has hashed its bytes, let alone been admitted.
    const [a, b] = await Promise.all([
      uploads.accept({ filename: 'a.jpg', bytes: new Uint8Array(bytes) }, 'png'),
      uploads.accept({ filename: 'b.jpg', bytes: new Uint8Array(bytes) }, 'png'),
    ]);
    for (const { job } of [a, b]) expect((await waitFinished(t, job.id)).status).toBe('done');
    expect(b.job).toBe(a.job);
    // Whichever hash resolves first is admitted; the other finds its job.
    expect([a.deduplicated, b.deduplicated].sort()).toEqual([false, true]);
  });

  it('gives another photo, or the same one with one byte changed, a job of its own', async () => {
    const inferences = await metric(t, INFERENCES);
    const cat = read('chelsea_cat_small.jpg');
    const original = await upload(t, cat);
    await waitFinished(t, original.id);
    const changed = Buffer.from(cat);
    // The JFIF header's horizontal density: still a valid JPEG, with the same pixels.
    changed[15] ^= 1;
    const others = [await upload(t, changed), await upload(t, read('coffee_cup_closeup.png'))];
    for (const other of others) {
      expect(other).toMatchObject({ deduplicated: false, header: 'miss' });
      expect(other.id).not.toBe(original.id);
      expect((await waitFinished(t, other.id)).status).toBe('done');
    }
    expect(new Set(others.map((other) => other.id)).size).toBe(2);
    expect(await metric(t, INFERENCES)).toBe(inferences + 3);
  });

  it('never hands out a failed job: the same bytes run again', async () => {
    const failures = () => metric(t, 'depthserve_jobs_failed_total', { reason: 'invalid_image' });
    const failedBefore = await failures();
    const broken = corruptMiddle(await texture(320, 240).jpeg().toBuffer());
    const first = await upload(t, broken);
    expect((await waitFinished(t, first.id)).status).toBe('failed');
    const retry = await upload(t, Buffer.from(broken));
    expect(retry).toMatchObject({ deduplicated: false, header: 'miss' });
    expect(retry.id).not.toBe(first.id);
    expect(await waitFinished(t, retry.id)).toMatchObject({
      status: 'failed',
      error: { reason: 'invalid_image' },
    });
    expect((await failures()) - failedBefore).toBe(2);
  });

  it('pushes job.completed at once to the X-Socket-Id of a hit on a done job', async () => {
    const first = await upload(t, read('palace_staircase_tall.jpg'));
    const done = await waitFinished(t, first.id);
    const client = await connect();
    const hit = await upload(t, read('palace_staircase_tall.jpg'), client);
    expect(hit).toMatchObject({ id: first.id, deduplicated: true, status: 'done' });
    const completed = await client.final(first.id, 5000);
    expect(client.namesFor(first.id)).toEqual(['job.completed']);
    expect(completed.payload).toMatchObject({
      id: first.id,
      finishedAt: done.finishedAt,
      timings: done.timings,
      resultUrl: `/api/v1/depth/${first.id}/result`,
      width: done.result.width,
      depthMax: done.result.depthMax,
    });
  });

  it('follows a pending job for the X-Socket-Id of an upload coalesced onto it', async () => {
    const busy = await upload(t, read('astronaut_portrait.png'));
    const pending = await upload(t, read('waterfall_exif_orient6.jpg'));
    const client = await connect();
    const hit = await upload(t, read('waterfall_exif_orient6.jpg'), client);
    expect(hit).toMatchObject({ id: pending.id, deduplicated: true, header: 'hit' });
    expect(['queued', 'processing']).toContain(hit.status);
    await client.final(pending.id);
    // The state at the hit first, then every later event, each once.
    const expected = ['job.queued', 'job.started', 'job.completed'];
    expect(client.namesFor(pending.id)).toEqual(expected.slice(hit.status === 'queued' ? 0 : 1));
    expect(client.namesFor(busy.id)).toEqual([]);
    await waitFinished(t, busy.id);
  });

  it('gives legacy POST /upload the existing request_id, across both upload routes', async () => {
    const bytes = await texture(200, 150).jpeg().toBuffer();
    const legacy = () => t.http().post('/upload').attach('file', bytes, 'x.jpg').expect(200);
    const first = await legacy();
    const again = await legacy();
    expect([first.headers['x-dedupe'], again.headers['x-dedupe']]).toEqual(['miss', 'hit']);
    expect(Object.keys(again.body)).toEqual(['request_id']);
    expect(again.body.request_id).toBe(first.body.request_id);
    const v1 = await upload(t, bytes);
    expect(v1).toMatchObject({ id: first.body.request_id, deduplicated: true });
    await waitFinished(t, v1.id);
    const result = await t.http().get(`/result/${v1.id}`).expect(200);
    expect(result.headers['content-type']).toBe('image/jpeg');
  });
});

describe('upload deduplication and the result TTL', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ DEDUPE: 'on', RESULT_TTL_SECONDS: '2' });
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('a hit keeps the result a full TTL; after expiry the same photo runs again', async () => {
    const cat = () => read('chelsea_cat_small.jpg');
    const first = await upload(t, cat());
    const finishedAt = Date.parse((await waitFinished(t, first.id)).finishedAt);

    await sleepUntil(finishedAt + 1200);
    const hitSent = Date.now();
    expect(await upload(t, cat())).toMatchObject({ id: first.id, deduplicated: true });
    const hitAnswered = Date.now();
    expect(hitSent + 2000).toBeGreaterThan(finishedAt + 3000);

    // Past the TTL counted from the finish, within the one counted from the hit.
    await sleepUntil(finishedAt + 2300);
    expect(await t.app.get(ResultsCleanupService).sweep()).toBe(0);
    await t.http().get(`/api/v1/depth/${first.id}/result`).expect(200);
    expect(await upload(t, cat())).toMatchObject({ id: first.id, deduplicated: true });
    const lastHitAnswered = Date.now();

    // Past the renewed TTL, before the sweep: no longer handed out.
    await sleepUntil(Math.max(hitAnswered, lastHitAnswered) + 2050);
    const fresh = await upload(t, cat());
    expect(fresh).toMatchObject({ deduplicated: false, header: 'miss' });
    expect(fresh.id).not.toBe(first.id);
    expect(await t.app.get(ResultsCleanupService).sweep()).toBe(1);
    await t.http().get(`/api/v1/depth/${first.id}`).expect(410);
    // The old job's expiry dropped its own key only: the new job is still found.
    expect(t.app.get(DedupeService).size).toBe(1);
    expect(t.app.get(ResultsStore).size).toBe(1);
    await waitFinished(t, fresh.id);
    expect(await upload(t, cat())).toMatchObject({ id: fresh.id, deduplicated: true });
  });
});

describe('upload deduplication in the logs (the built server in its own process)', () => {
  let server: ServerProcess | undefined;
  afterEach(() => server?.kill());

  it('logs each hit with the job, its state and the time taken, under the request that hit', async () => {
    server = await ServerProcess.start({ DEDUPE: 'on', MODEL_PATH: model('tiny') });
    const post = async (requestId: string) => {
      const form = new FormData();
      form.append('file', new Blob([read('chelsea_cat_small.jpg')]), 'cat.jpg');
      const headers = { 'X-Request-Id': requestId };
      const res = await fetch(`${server!.url}/api/v1/depth`, {
        method: 'POST',
        body: form,
        headers,
      });
      expect(res.status).toBe(202);
      return ((await res.json()) as { id: string }).id;
    };
    const id = await post('dedupe-first');
    for (let i = 0; i < 400 && server.count(new RegExp(`Job ${id} done`)) === 0; i++)
      await sleep(25);
    expect(await post('dedupe-second')).toBe(id);
    const hit = new RegExp(`Upload deduplicated onto job ${id} \\(done\\) in \\d+ ms\\.`);
    for (let i = 0; i < 100 && server.count(hit) === 0; i++) await sleep(25);
    const lines = server.output.split('\n').filter((line) => hit.test(line));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'info',
      context: 'DedupeService',
      requestId: 'dedupe-second',
    });
  });
});

describe('DEDUPE=off', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ DEDUPE: 'off' });
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('gives every upload a job of its own', async () => {
    const answers = [];
    for (let i = 0; i < 2; i++) answers.push(await upload(t, read('chelsea_cat_small.jpg')));
    expect(answers.map((a) => [a.deduplicated, a.header])).toEqual([
      [false, 'miss'],
      [false, 'miss'],
    ]);
    expect(answers[1].id).not.toBe(answers[0].id);
    for (const answer of answers) await waitFinished(t, answer.id);
    expect(await metric(t, INFERENCES)).toBe(2);
    expect(await metric(t, HITS)).toBe(0);
    expect(t.app.get(DedupeService).size).toBe(0);
  });
});
