import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { OutputsDto } from '../src/jobs/dto/outputs.dto';
import { model, photo } from './helpers/paths';
import { startApp, TestApp, waitFinished, waitReady } from './helpers/test-app';

/** The v1 API end to end: real HTTP, real sharp, a real Piscina pool running ONNX Runtime. */
describe('POST /api/v1/depth -> GET status -> GET result', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ MAX_UPLOAD_BYTES: String(2 * 1024 * 1024), MAX_INPUT_PIXELS: '12000000' });
    await waitReady(t);
  });
  afterAll(() => t.close());

  async function depthOf(file: string | Buffer, filename = 'photo.jpg') {
    const upload = await t.http().post('/api/v1/depth').attach('file', file, filename).expect(202);
    expect(upload.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: expect.stringMatching(/^(queued|processing)$/),
      statusUrl: `/api/v1/depth/${upload.body.id}`,
      resultUrl: `/api/v1/depth/${upload.body.id}/result`,
      deduplicated: false,
    });
    expect(upload.headers['x-dedupe']).toBe('miss');
    const status = await waitFinished(t, upload.body.id);
    return { id: upload.body.id as string, status };
  }

  it('returns a PNG heatmap the size of the upright photo for an EXIF-rotated JPEG', async () => {
    const file = photo('waterfall_exif_orient6.jpg');
    const stored = await sharp(file).metadata();
    expect([stored.width, stored.height, stored.orientation]).toEqual([1200, 1800, 6]);

    const { id, status } = await depthOf(file);
    expect(status).toMatchObject({
      status: 'done',
      timings: {
        queueMs: expect.any(Number),
        inferenceMs: expect.any(Number),
        totalMs: expect.any(Number),
      },
      result: {
        width: 1800,
        height: 1200,
        depthMin: expect.any(Number),
        depthMax: expect.any(Number),
      },
    });
    const res = await t
      .http()
      .get(`/api/v1/depth/${id}/result`)
      .expect(200)
      .expect('Content-Type', 'image/png');
    const heatmap = await sharp(res.body as Buffer).metadata();
    expect([heatmap.format, heatmap.width, heatmap.height]).toEqual(['png', 1800, 1200]);
  });

  it('serves JPEG on ?format=jpeg and rejects unknown formats', async () => {
    const { id } = await depthOf(photo('coffee_cup_closeup.png'), 'cup.png');
    const input = await sharp(photo('coffee_cup_closeup.png')).metadata();
    const res = await t
      .http()
      .get(`/api/v1/depth/${id}/result?format=jpeg`)
      .expect(200)
      .expect('Content-Type', 'image/jpeg');
    const heatmap = await sharp(res.body as Buffer).metadata();
    expect([heatmap.format, heatmap.width, heatmap.height]).toEqual([
      'jpeg',
      input.width,
      input.height,
    ]);
    const bad = await t.http().get(`/api/v1/depth/${id}/result?format=gif`).expect(400);
    expect(bad.body).toEqual({
      statusCode: 400,
      code: 'bad_request',
      error: 'format must be one of: png, jpeg, webp, png16, npy, pfm, ply, json.',
    });
  });

  it('renders every colormap /api/v1/outputs lists, from the same depth, and rejects others', async () => {
    const outputs = await t.http().get('/api/v1/outputs').expect(200);
    expect(outputs.body).toMatchObject({
      defaultFormat: 'png',
      defaultColormap: 'inferno',
      colormaps: ['inferno', 'magma', 'plasma', 'viridis', 'turbo', 'gray'],
    });
    const formats = (outputs.body as OutputsDto).formats.map((format) => format.id);
    expect(formats).toEqual(['png', 'jpeg', 'webp', 'png16', 'npy', 'pfm', 'ply', 'json']);
    const { id } = await depthOf(photo('chelsea_cat_small.jpg'));
    const pixels = async (query: string) => {
      const res = await t.http().get(`/api/v1/depth/${id}/result${query}`).expect(200);
      const { data, info } = await sharp(res.body as Buffer)
        .raw()
        .toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([320, 213]);
      return data;
    };
    const inferno = await pixels('');
    expect((await pixels('?colormap=inferno')).equals(inferno)).toBe(true);
    const renders = new Set([inferno.toString('base64')]);
    for (const colormap of ['magma', 'plasma', 'viridis', 'turbo', 'gray']) {
      renders.add((await pixels(`?colormap=${colormap}`)).toString('base64'));
    }
    expect(renders.size).toBe(6);
    // gray is the depth itself: its brightest pixel is where inferno is brightest too.
    const gray = await pixels('?colormap=gray&format=png');
    let brightest = 0;
    for (let i = 0; i < gray.length; i += 3) if (gray[i] > gray[brightest]) brightest = i;
    expect(gray[brightest]).toBe(255);
    expect(Array.from(inferno.subarray(brightest, brightest + 3))).toEqual([252, 255, 164]);
    const bad = await t.http().get(`/api/v1/depth/${id}/result?colormap=jet`).expect(400);
    expect(bad.body.error).toBe(
      'colormap must be one of: inferno, magma, plasma, viridis, turbo, gray.',
    );
  });

  it('decides the type from the bytes, not the name', async () => {
    const jpegBytes = readFileSync(photo('chelsea_cat_small.jpg'));
    const { status } = await depthOf(jpegBytes, 'actually-a-jpeg.png');
    expect(status.status).toBe('done');
  });

  it.each([
    ['a text file named .jpg', Buffer.from('hello, I am not an image'), 'x.jpg'],
    ['a PDF', Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n'), 'doc.pdf'],
    [
      'an SVG',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
      'a.svg',
    ],
  ])('answers 415 for %s', async (_label, bytes, name) => {
    const res = await t.http().post('/api/v1/depth').attach('file', bytes, name).expect(415);
    expect(res.body).toEqual({
      statusCode: 415,
      code: 'unsupported_image',
      error: expect.stringContaining('JPEG'),
    });
  });

  it('answers 413 for too many bytes and for too many pixels, before queueing', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 0xff);
    const bytes = await t.http().post('/api/v1/depth').attach('file', big, 'big.jpg').expect(413);
    expect(bytes.body).toMatchObject({ code: 'upload_too_large' });
    // A 4000x4000 PNG of one colour is tiny on the wire but 16 MP, over the 12 MP limit.
    const huge = await sharp({
      create: { width: 4000, height: 4000, channels: 3, background: '#808080' },
    })
      .png()
      .toBuffer();
    const pixels = await t
      .http()
      .post('/api/v1/depth')
      .attach('file', huge, 'huge.png')
      .expect(413);
    expect(pixels.body).toMatchObject({
      code: 'image_too_large',
      error: expect.stringContaining('4000x4000'),
    });
  });

  it('answers 400 for data that claims to be an image but cannot be read', async () => {
    const garbage = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.from('<html>not a jpeg</html>'),
    ]);
    const res = await t.http().post('/api/v1/depth').attach('file', garbage, 'x.jpg').expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'invalid_image' });
  });

  it('fails a job whose pixel data is corrupt, and says why with 422', async () => {
    // A slice cut out of the scan, end marker kept: only decoding can tell (a plain truncation is a 400 at upload).
    const full = readFileSync(photo('chelsea_cat_small.jpg'));
    const half = Math.floor(full.length / 2);
    const sliced = Buffer.concat([full.subarray(0, half), full.subarray(half + 4000)]);
    const { id, status } = await depthOf(sliced, 'sliced.jpg');
    expect(status).toMatchObject({ status: 'failed', error: { reason: 'invalid_image' } });
    const res = await t.http().get(`/api/v1/depth/${id}/result`).expect(422);
    expect(res.body).toMatchObject({
      code: 'job_failed',
      reason: 'invalid_image',
      error: expect.any(String),
    });
  });

  it('answers 400 for multipart without the file field, with two files, or with another file field', async () => {
    const none = await t.http().post('/api/v1/depth').field('other', 'x').expect(400);
    expect(none.body).toMatchObject({ code: 'no_file' });
    const cat = photo('chelsea_cat_small.jpg');
    const two = await t
      .http()
      .post('/api/v1/depth')
      .attach('file', cat)
      .attach('file', cat)
      .expect(400);
    expect(two.body).toMatchObject({
      code: 'malformed_upload',
      error: 'Send exactly one file in "file".',
    });
    const other = await t.http().post('/api/v1/depth').attach('image', cat).expect(400);
    expect(other.body).toMatchObject({ code: 'malformed_upload' });
    const json = await t.http().post('/api/v1/depth').send({ file: 'x' }).expect(400);
    expect(json.body).toMatchObject({ code: 'malformed_upload' });
  });

  it('answers 404 for unknown or malformed ids', async () => {
    await t.http().get('/api/v1/depth/2f1f5e7e-1c7a-4a53-9a61-3b1d7a0c9d10').expect(404);
    for (const id of ['nope', '..%2F..%2Fetc%2Fpasswd', '2F1F5E7E-1C7A-4A53-9A61-3B1D7A0C9D10']) {
      const res = await t.http().get(`/api/v1/depth/${id}/result`).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, code: 'not_found' });
    }
  });
});

describe('pipeline correctness with a model whose depth is the red channel', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ MODEL_PATH: model('red') });
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('keeps channel order, [0,1] scaling and left/right placement through upsampling', async () => {
    // Left half pure red (depth 1), right half pure blue (depth 0), 400x200.
    const left = await sharp({
      create: { width: 200, height: 200, channels: 3, background: '#ff0000' },
    })
      .png()
      .toBuffer();
    const image = await sharp({
      create: { width: 400, height: 200, channels: 3, background: '#0000ff' },
    })
      .composite([{ input: left, left: 0, top: 0 }])
      .png()
      .toBuffer();
    const upload = await t
      .http()
      .post('/api/v1/depth')
      .attach('file', image, 'split.png')
      .expect(202);
    const status = await waitFinished(t, upload.body.id);
    // Raw depth is exactly the red channel scaled to [0,1]: no ImageNet normalisation was added.
    expect(status.result).toMatchObject({ width: 400, height: 200 });
    expect(status.result.depthMin).toBeCloseTo(0, 5);
    expect(status.result.depthMax).toBeCloseTo(1, 5);

    const res = await t.http().get(`/api/v1/depth/${upload.body.id}/result`).expect(200);
    const { data, info } = await sharp(res.body as Buffer)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) =>
      Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3));
    expect(pixel(50, 100)).toEqual([252, 255, 164]); // inferno(1): near
    expect(pixel(350, 100)).toEqual([0, 0, 4]); // inferno(0): far
  });
});
