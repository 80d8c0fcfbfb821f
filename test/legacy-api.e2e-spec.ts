import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { photo } from './helpers/paths';
import { listen, sleep, startApp, TestApp, waitReady } from './helpers/test-app';

/** The original Flask service's contract, which existing clients rely on. */
describe('legacy routes: POST /upload and GET /result/<id>', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
    await waitReady(t);
  });
  afterAll(() => t.close());

  async function pollLegacy(id: string) {
    for (;;) {
      const res = await t.http().get(`/result/${id}`);
      if (res.status !== 202) return res;
      expect(res.body).toEqual({ status: 'processing' });
      await sleep(25);
    }
  }

  it('uploads with 200 {request_id} and serves the heatmap as image/jpeg', async () => {
    const up = await t
      .http()
      .post('/upload')
      .attach('file', photo('chelsea_cat_small.jpg'))
      .expect(200);
    expect(Object.keys(up.body)).toEqual(['request_id']);
    expect(up.body.request_id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const res = await pollLegacy(up.body.request_id);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(res.body as Buffer).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 320, 213]);
  });

  it('answers 202 {"status":"processing"} while the job is pending', async () => {
    const up = await t
      .http()
      .post('/upload')
      .attach('file', photo('street_london_2048.jpg'))
      .expect(200);
    const first = await t.http().get(`/result/${up.body.request_id}`);
    // A 2048 px photo takes longer than one round trip; if not, the 200 path is checked above.
    if (first.status === 202) expect(first.body).toEqual({ status: 'processing' });
    expect((await pollLegacy(up.body.request_id)).status).toBe(200);
  });

  it.each([
    [
      'no file part',
      (r: TestApp) => r.http().post('/upload').field('name', 'x'),
      'No file uploaded',
    ],
    [
      'an empty filename',
      (r: TestApp) => r.http().post('/upload').attach('file', Buffer.alloc(0), { filename: '' }),
      'Empty filename',
    ],
    [
      'a text file',
      (r: TestApp) => r.http().post('/upload').attach('file', Buffer.from('plain text'), 'a.txt'),
      'Invalid image format',
    ],
    [
      'a broken JPEG header',
      (r: TestApp) =>
        r
          .http()
          .post('/upload')
          .attach('file', Buffer.from([0xff, 0xd8, 0xff, 0, 1, 2]), 'a.jpg'),
      'Invalid image format',
    ],
  ])('answers 400 {"error": ...} for %s', async (_label, send, message) => {
    const res = await send(t).expect(400);
    expect(res.body.error).toBe(message);
  });

  it('answers 404 {"error":"Request ID not found"} for unknown and malformed ids', async () => {
    for (const id of ['5b7e1f3c-8a2d-4c6e-9f01-23456789abcd', 'not-a-uuid']) {
      const res = await t.http().get(`/result/${id}`).expect(404);
      expect(res.body.error).toBe('Request ID not found');
    }
  });

  it('answers 500 {"error": message} for a failed job', async () => {
    // A slice cut out of the scan, end marker kept: accepted, then the worker's strict decode fails it.
    const full = readFileSync(photo('chelsea_cat_small.jpg'));
    const sliced = Buffer.concat([full.subarray(0, 8000), full.subarray(12000)]);
    const up = await t.http().post('/upload').attach('file', sliced, 'cut.jpg').expect(200);
    const res = await pollLegacy(up.body.request_id);
    expect(res.status).toBe(500);
    expect(res.body.error).toMatch(/could not be decoded/);
  });

  it('works for a browser-style client: FormData posted with fetch', async () => {
    const port = await listen(t);
    const form = new FormData();
    form.append(
      'file',
      new Blob([readFileSync(photo('coffee_cup_closeup.png'))], { type: 'image/png' }),
      'cup.png',
    );
    const up = await fetch(`http://127.0.0.1:${port}/upload`, { method: 'POST', body: form });
    expect(up.status).toBe(200);
    const { request_id } = (await up.json()) as { request_id: string };
    expect((await pollLegacy(request_id)).status).toBe(200);
  });
});
