import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import {
  bmp,
  corruptMiddle,
  heicHeader,
  hostileSvg,
  jpegScanStart,
  largeGradientJpeg,
  noise,
  pdf,
  pngDeclaring,
  scrambleMiddle,
  texture,
  withPngChunks,
  zTxtInflatingTo,
} from './helpers/corpus';
import { photo, ROOT } from './helpers/paths';
import { startApp, TestApp, waitFinished, waitReady } from './helpers/test-app';

const JOB_TIMEOUT_MS = 20_000;

/** What the service must answer: a job and its outcome, or a deliberate refusal. */
type Expected =
  | { status: 202; job: 'done'; size: [number, number] }
  | { status: 202; job: 'failed'; reason: 'invalid_image'; message: RegExp }
  | { status: 400 | 413 | 415; code: string; message: RegExp };

interface Case {
  name: string;
  bytes: () => Buffer | Promise<Buffer>;
  filename: string;
  contentType?: string;
  expected: Expected;
}

const refused = (status: 400 | 413 | 415, code: string, message: RegExp): Expected => ({
  status,
  code,
  message,
});
const done = (width: number, height: number): Expected => ({
  status: 202,
  job: 'done',
  size: [width, height],
});
const failsToDecode = (message: RegExp): Expected => ({
  status: 202,
  job: 'failed',
  reason: 'invalid_image',
  message,
});

const jpeg = (image: Sharp) => image.jpeg().toBuffer();
const png = (image: Sharp) => image.png().toBuffer();
const noiseJpeg = () => jpeg(texture(320, 240));

/**
 * The input policy, one row per kind of input. Every expected status is
 * asserted exactly; README "Input policy" documents the same table.
 */
const CORPUS: Case[] = [
  {
    name: 'empty file',
    bytes: () => Buffer.alloc(0),
    filename: 'empty.jpg',
    expected: refused(400, 'invalid_image', /empty/),
  },
  {
    name: 'text named .jpg',
    bytes: () => Buffer.from('just some text, honest\n'),
    filename: 'notes.jpg',
    contentType: 'image/jpeg',
    expected: refused(415, 'unsupported_image', /Unsupported image type/),
  },
  {
    name: 'truncated JPEG (first 60%)',
    bytes: async () => {
      const whole = await noiseJpeg();
      return whole.subarray(0, Math.floor(whole.length * 0.6));
    },
    filename: 'truncated.jpg',
    expected: refused(400, 'invalid_image', /incomplete: it ends before its end-of-image marker/),
  },
  {
    name: 'truncated PNG (first 70%)',
    bytes: async () => {
      const whole = await png(texture(200, 150));
      return whole.subarray(0, Math.floor(whole.length * 0.7));
    },
    filename: 'truncated.png',
    expected: refused(400, 'invalid_image', /incomplete: it ends inside its IDAT chunk/),
  },
  {
    name: 'JPEG with garbage and a stray marker in its entropy-coded middle',
    bytes: async () => corruptMiddle(await noiseJpeg()),
    filename: 'corrupt.jpg',
    expected: failsToDecode(/^The image could not be decoded: Corrupt JPEG data: [^\n]+\.$/),
  },
  {
    name: 'JPEG with a slice of scan data cut out (end marker kept)',
    bytes: async () => {
      const whole = await noiseJpeg();
      const cut = Math.floor((jpegScanStart(whole) + whole.length) / 2);
      return Buffer.concat([whole.subarray(0, cut), whole.subarray(cut + 4000)]);
    },
    filename: 'sliced.jpg',
    expected: failsToDecode(/^The image could not be decoded: Corrupt JPEG data: [^\n]+\.$/),
  },
  {
    name: 'PNG with garbage in the middle of its compressed pixel data',
    bytes: async () => scrambleMiddle(await png(texture(200, 150))),
    filename: 'corrupt.png',
    expected: failsToDecode(
      /^The image could not be decoded: (libpng read error|the PNG data is damaged or incomplete)\.$/,
    ),
  },
  {
    name: 'JPEG header (SOI+APP0) then HTML',
    bytes: () =>
      Buffer.concat([
        Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
        Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'),
        Buffer.from('<html><body><script>alert(1)</script></body></html>'),
      ]),
    filename: 'page.jpg',
    expected: refused(400, 'invalid_image', /^The JPEG image could not be read: [^\n:]+\.$/),
  },
  {
    name: 'JPEG header stuffed with 100,000 empty APP1 segments',
    bytes: async () => {
      const whole = await noiseJpeg();
      const segment = Buffer.from([0xff, 0xe1, 0x00, 0x04, 0x00, 0x00]);
      const stuffing = Buffer.concat(Array.from({ length: 100_000 }, () => segment));
      return Buffer.concat([whole.subarray(0, 2), stuffing, whole.subarray(2)]);
    },
    filename: 'stuffed.jpg',
    expected: refused(400, 'invalid_image', /more than 1024 marker segments/),
  },
  {
    name: 'progressive JPEG with 300 extra scans',
    bytes: async () => {
      const whole = await texture(320, 240).jpeg({ progressive: true }).toBuffer();
      const scan = Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x01, 0x01, 0x00, 0x00]);
      const scans = Buffer.concat(Array.from({ length: 300 }, () => scan));
      return Buffer.concat([whole.subarray(0, -2), scans, whole.subarray(-2)]);
    },
    filename: 'scans.jpg',
    expected: refused(400, 'invalid_image', /more than 100 scans/),
  },
  {
    name: 'PNG with 50 zTXt chunks of 8 kB, each inflating to 8 MB',
    bytes: async () =>
      withPngChunks(await png(texture(200, 150)), Array<Buffer>(50).fill(zTxtInflatingTo(8 << 20))),
    filename: 'text-bomb.png',
    expected: refused(
      400,
      'invalid_image',
      /compressed text and profile chunks inflate past 4 MiB/,
    ),
  },
  {
    name: 'PNG bomb declaring 30000x30000',
    bytes: () => pngDeclaring(30_000, 30_000),
    filename: 'bomb.png',
    expected: refused(413, 'image_too_large', /30000x30000; the longest side may be 12000/),
  },
  {
    name: 'PNG declaring 11000x11000 (sides legal, pixels not)',
    bytes: () => pngDeclaring(11_000, 11_000),
    filename: 'bomb-square.png',
    expected: refused(413, 'image_too_large', /121000000 pixels\); the limit is 50000000/),
  },
  {
    name: 'PNG declaring 100000x100 (extreme aspect ratio)',
    bytes: () => pngDeclaring(100_000, 100),
    filename: 'strip.png',
    expected: refused(413, 'image_too_large', /100000x100; the longest side may be 12000/),
  },
  {
    name: 'animated GIF, 3 frames of 90x60',
    bytes: async () => {
      const frames = await Promise.all(
        ['#ff0000', '#00ff00', '#0000ff'].map((background) =>
          png(sharp({ create: { width: 90, height: 60, channels: 3, background } })),
        ),
      );
      return sharp(frames, { join: { animated: true } })
        .gif()
        .toBuffer();
    },
    filename: 'anim.gif',
    expected: done(90, 60),
  },
  {
    name: 'SVG with an external entity (XXE) and a script',
    bytes: hostileSvg,
    filename: 'xxe.svg',
    contentType: 'image/svg+xml',
    expected: refused(415, 'unsupported_image', /Unsupported image type/),
  },
  {
    name: 'PDF',
    bytes: pdf,
    filename: 'doc.pdf',
    expected: refused(415, 'unsupported_image', /Unsupported image type/),
  },
  {
    name: 'BMP',
    bytes: bmp,
    filename: 'old.bmp',
    expected: refused(415, 'unsupported_image', /Unsupported image type/),
  },
  {
    name: 'AVIF (written by sharp)',
    bytes: () =>
      sharp({ create: { width: 64, height: 48, channels: 3, background: '#369' } })
        .avif()
        .toBuffer(),
    filename: 'photo.avif',
    expected: refused(415, 'unsupported_image', /Unsupported image type/),
  },
  {
    name: 'HEIC (ftyp header; sharp cannot encode HEVC)',
    bytes: heicHeader,
    filename: 'IMG_0001.HEIC',
    expected: refused(415, 'unsupported_image', /Unsupported image type/),
  },
  {
    name: '16-bit PNG',
    bytes: () => noise(120, 80).toColourspace('rgb16').png().toBuffer(),
    filename: 'deep.png',
    expected: done(120, 80),
  },
  {
    name: 'grayscale JPEG',
    bytes: () => jpeg(noise(100, 70).greyscale()),
    filename: 'grey.jpg',
    expected: done(100, 70),
  },
  {
    name: 'RGBA PNG with transparency',
    bytes: () => png(noise(80, 100, 4).ensureAlpha(0.3)),
    filename: 'alpha.png',
    expected: done(80, 100),
  },
  {
    name: 'CMYK JPEG',
    bytes: () => jpeg(noise(110, 90).toColourspace('cmyk')),
    filename: 'print.jpg',
    expected: done(110, 90),
  },
  {
    name: 'EXIF orientation 6, generated (stored 160x90)',
    bytes: () => noise(160, 90).jpeg().withMetadata({ orientation: 6 }).toBuffer(),
    filename: 'rotated.jpg',
    expected: done(90, 160),
  },
  {
    name: 'EXIF orientation 6, real photo (stored 1200x1800)',
    bytes: () => readFileSync(photo('waterfall_exif_orient6.jpg')),
    filename: 'waterfall.jpg',
    expected: done(1800, 1200),
  },
  {
    name: '1x1 PNG',
    bytes: () => png(sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } })),
    filename: 'dot.png',
    expected: done(1, 1),
  },
  {
    name: 'large but legal 8000x6000 JPEG',
    bytes: () => largeGradientJpeg(8000, 6000),
    filename: 'large.jpg',
    expected: done(8000, 6000),
  },
  {
    name: '.png name with JPEG bytes',
    bytes: noiseJpeg,
    filename: 'liar.png',
    expected: done(320, 240),
  },
  {
    name: 'JPEG declared as image/png',
    bytes: noiseJpeg,
    filename: 'photo.jpg',
    contentType: 'image/png',
    expected: done(320, 240),
  },
  {
    name: 'JPEG declared as application/octet-stream',
    bytes: noiseJpeg,
    filename: 'blob',
    contentType: 'application/octet-stream',
    expected: done(320, 240),
  },
];

/** The hostile corpus through the real app: each input is refused on purpose or fully processed. */
describe('hostile and odd uploads', () => {
  let t: TestApp;
  const files = new Map<string, Buffer>();
  const summary: { name: string; upload: number; outcome: string; bytes: number }[] = [];
  let memory: Record<string, number> = {};

  beforeAll(async () => {
    t = await startApp({
      JOB_TIMEOUT_MS: String(JOB_TIMEOUT_MS),
      MAX_INPUT_PIXELS: '50000000',
      QUEUE_MAX: '64',
    });
    await waitReady(t);
    for (const c of CORPUS) files.set(c.name, await c.bytes());
  });
  afterAll(async () => {
    const dir = join(ROOT, 'test', 'artifacts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'hostile-corpus.json'),
      JSON.stringify({ cases: summary, memory }, null, 2) + '\n',
    );
    const rss = Object.entries(memory).map(([k, v]) => `${k} ${v.toFixed(0)}`);
    console.log(
      [
        ...summary.map((s) => `${s.name} → ${s.upload} ${s.outcome}`),
        `rss: ${rss.join(', ')}`,
      ].join('\n'),
    );
    await t.close();
  });

  async function workersAlive(): Promise<{ count: number; alive: number }> {
    const health = await t.http().get('/healthz');
    return (health.body as { details: { workers: { count: number; alive: number } } }).details
      .workers;
  }

  async function uploadAndCheck(c: Case): Promise<string> {
    const bytes = files.get(c.name) as Buffer;
    const res = await t
      .http()
      .post('/api/v1/depth')
      .attach('file', bytes, { filename: c.filename, contentType: c.contentType ?? 'image/jpeg' });
    expect({ name: c.name, status: res.status }).toEqual({
      name: c.name,
      status: c.expected.status,
    });
    const expected = c.expected;
    if (expected.status !== 202) {
      expect(res.body).toEqual({
        statusCode: expected.status,
        code: expected.code,
        error: expect.stringMatching(expected.message),
      });
      return expected.code;
    }
    const id = (res.body as { id: string }).id;
    const started = Date.now();
    // A job must settle within its timeout (plus queueing and polling slack), never hang.
    const status = await waitFinished(t, id, JOB_TIMEOUT_MS + 10_000);
    expect(Date.now() - started).toBeLessThan(JOB_TIMEOUT_MS + 10_000);
    const result = await t.http().get(`/api/v1/depth/${id}/result`);
    if (expected.job === 'failed') {
      expect(status).toMatchObject({ status: 'failed', error: { reason: expected.reason } });
      expect(result.status).toBe(422);
      expect(result.body).toEqual({
        statusCode: 422,
        code: 'job_failed',
        reason: 'invalid_image',
        error: expect.stringMatching(expected.message),
      });
      return `failed ${expected.reason}, result 422`;
    }
    expect(status).toMatchObject({
      status: 'done',
      result: { width: expected.size[0], height: expected.size[1] },
    });
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe('image/png');
    const heatmap = await sharp(result.body as Buffer).metadata();
    expect([heatmap.format, heatmap.width, heatmap.height]).toEqual(['png', ...expected.size]);
    return `done ${expected.size.join('x')}`;
  }

  it('answers every input with its policy status, without a 5xx, a crash, a hang or a leak', async () => {
    // The largest legal input first: the allocator keeps its high-water mark
    // (~240 MB for 48 MP) as RSS, and that is a plateau, not a leak. Growth
    // past it over the whole corpus, or a peak above it, would be a spike.
    await uploadAndCheck(CORPUS.find((c) => c.name.startsWith('large but legal')) as Case);
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const mb = () => process.memoryUsage().rss / 2 ** 20;
    const rssBefore = mb();
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, mb())), 20);

    for (const c of CORPUS) {
      const outcome = await uploadAndCheck(c);
      const expected = c.expected;
      summary.push({
        name: c.name,
        upload: expected.status,
        outcome,
        bytes: files.get(c.name)!.length,
      });
      expect(await workersAlive()).toMatchObject({ count: 2, alive: 2 });
    }

    clearInterval(sampler);
    gc?.();
    const growthMb = mb() - rssBefore;
    const peakMb = peak - rssBefore;
    memory = { baselineMb: rssBefore, growthMb, peakAboveBaselineMb: peakMb };
    expect(growthMb).toBeLessThan(300);
    // A legal 48 MP job transiently takes ~260 MB on a thread that has not run
    // one yet; decoding even the 121 MP bomb would take well over twice that.
    expect(peakMb).toBeLessThan(500);

    // The service is still whole: a normal photo goes through afterwards.
    const after = await t
      .http()
      .post('/api/v1/depth')
      .attach('file', photo('chelsea_cat_small.jpg'));
    expect(after.status).toBe(202);
    expect(await waitFinished(t, (after.body as { id: string }).id)).toMatchObject({
      status: 'done',
    });
  });

  it('answers the legacy /upload route with its own statuses for the refused inputs', async () => {
    for (const c of CORPUS) {
      const expected = c.expected;
      if (expected.status === 202) continue;
      const res = await t
        .http()
        .post('/upload')
        .attach('file', files.get(c.name) as Buffer, c.filename);
      // The Flask service said "Invalid image format" for anything it could not open.
      const legacy =
        expected.status === 413
          ? { statusCode: 413, code: expected.code, error: expect.stringMatching(expected.message) }
          : { statusCode: 400, code: 'invalid_image', error: 'Invalid image format' };
      expect({ name: c.name, status: res.status, body: res.body as unknown }).toEqual({
        name: c.name,
        status: legacy.statusCode,
        body: legacy,
      });
    }
  });
});
