import { sampledPoints } from '../src/inference/pipeline/point-cloud';
import { parsePlyHeader } from './helpers/ply';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { OutputsDto } from '../src/jobs/dto/outputs.dto';
import { minMax, parseNpy, parsePfm } from './helpers/depth-files';
import { photo } from './helpers/paths';
import { JobStatusBody, startApp, TestApp, waitFinished, waitReady } from './helpers/test-app';

interface RawResult {
  body: Buffer;
  headers: Record<string, string>;
}

const MEANING = 'relative inverse depth: larger = nearer, no unit';

/** Every result format of a real photo, end to end: real HTTP, sharp, Piscina and ONNX Runtime. */
describe('GET /api/v1/depth/:id/result formats and rendering parameters', () => {
  let t: TestApp;
  /** The cat photo's job, 320x213. */
  let cat: JobStatusBody;

  beforeAll(async () => {
    t = await startApp({ MAX_UPLOAD_BYTES: String(2 * 1024 * 1024), MAX_INPUT_PIXELS: '12000000' });
    await waitReady(t);
    cat = await depthOf('chelsea_cat_small.jpg');
  });
  afterAll(() => t.close());

  async function depthOf(name: string): Promise<JobStatusBody> {
    const upload = await t.http().post('/api/v1/depth').attach('file', photo(name)).expect(202);
    const status = await waitFinished(t, upload.body.id as string);
    expect(status.status).toBe('done');
    return status;
  }

  /** The raw bytes of a result, whatever its type, and its headers. */
  async function fetch(id: string, query: string, expected = 200): Promise<RawResult> {
    const res = await t
      .http()
      .get(`/api/v1/depth/${id}/result${query}`)
      .buffer(true)
      .parse((stream, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(expected);
    return { body: res.body as Buffer, headers: res.headers };
  }

  async function png16(id: string, query = ''): Promise<Uint16Array> {
    const res = await fetch(id, `?format=png16${query}`);
    const { data, info } = await sharp(res.body)
      .toColourspace('grey16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(1);
    return new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
  }

  const floatsOf = async (id: string) => parseNpy((await fetch(id, '?format=npy')).body);

  it('serves every format /api/v1/outputs lists, each parsing as what it says it is', async () => {
    const outputs = (await t.http().get('/api/v1/outputs').expect(200)).body as OutputsDto;
    expect(outputs.formats.map((format) => format.id)).toEqual([
      'png',
      'jpeg',
      'webp',
      'png16',
      'npy',
      'pfm',
      'ply',
      'json',
    ]);
    expect(outputs.formats.find((format) => format.id === 'png16')).toEqual({
      id: 'png16',
      mediaType: 'image/png',
      extension: 'png',
      label: expect.any(String),
      colormap: false,
      params: ['invert', 'range'],
    });
    const { id, result } = cat;
    const { width, height } = result as { width: number; height: number };
    for (const format of outputs.formats) {
      const res = await fetch(id, `?format=${format.id}`);
      expect(res.headers['content-type']).toContain(format.mediaType);
      expect(res.headers['content-disposition']).toMatch(
        new RegExp(`^inline; filename="depth-${id}[a-z0-9-]*\\.${format.extension}"$`),
      );
      if (format.id === 'npy' || format.id === 'pfm') {
        const parsed = format.id === 'npy' ? parseNpy(res.body) : parsePfm(res.body);
        expect([parsed.width, parsed.height]).toEqual([width, height]);
      } else if (format.id === 'ply') {
        // The default step is 2 and the edge filter only drops points.
        const header = parsePlyHeader(res.body);
        expect(header.vertexCount).toBeGreaterThan(0);
        expect(header.vertexCount).toBeLessThanOrEqual(sampledPoints(width, height, 2));
      } else if (format.id === 'json') {
        expect(JSON.parse(res.body.toString())).toMatchObject({ id, width, height });
      } else {
        const meta = await sharp(res.body).metadata();
        expect([meta.format, meta.width, meta.height]).toEqual([
          format.id === 'png16' ? 'png' : format.id,
          width,
          height,
        ]);
        if (format.id === 'png16') expect([meta.depth, meta.channels]).toEqual(['ushort', 1]);
      }
    }
  });

  it('gives npy and PFM the same floats, whose min and max are the status and header ones', async () => {
    const npy = await floatsOf(cat.id as string);
    const pfm = parsePfm((await fetch(cat.id as string, '?format=pfm')).body);
    let worst = 0;
    npy.values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - pfm.values[i]))));
    expect(worst).toBeLessThanOrEqual(1e-6);
    const { min, max } = minMax(npy.values);
    expect(Math.abs(min - cat.result.depthMin)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(max - cat.result.depthMax)).toBeLessThanOrEqual(1e-6);
    expect(max).toBeGreaterThan(min);

    const json = await t.http().get(`/api/v1/depth/${cat.id}/result?format=json`).expect(200);
    expect(json.body).toMatchObject({
      min: cat.result.depthMin,
      max: cat.result.depthMax,
      meaning: MEANING,
      model: 'midas-v21-small-256',
      upsampling: 'bicubic',
    });
    expect(cat.result).toMatchObject({ model: 'midas-v21-small-256', meaning: MEANING });
    for (const format of ['png', 'npy', 'json']) {
      const res = await fetch(cat.id as string, `?format=${format}`);
      expect(Number(res.headers['x-depth-min'])).toBe(cat.result.depthMin);
      expect(Number(res.headers['x-depth-max'])).toBe(cat.result.depthMax);
      expect(res.headers['x-depth-model']).toBe('midas-v21-small-256');
      expect(res.headers['x-depth-meaning']).toBe(MEANING);
    }
  });

  it('makes png16 monotonic with the float depth, over the image min-max, and invert reverses it', async () => {
    const [npy, levels, inverted] = await Promise.all([
      floatsOf(cat.id as string),
      png16(cat.id as string),
      png16(cat.id as string, '&invert'),
    ]);
    expect([Math.min(...levels), Math.max(...levels)]).toEqual([0, 65535]);
    const order = Array.from(npy.values.keys()).sort((a, b) => npy.values[a] - npy.values[b]);
    const descents = order.filter((at, k) => k > 0 && levels[at] < levels[order[k - 1]]);
    expect(descents).toEqual([]);
    expect(Array.from(inverted)).toEqual(Array.from(levels, (level) => 65535 - level));
  });

  it('inverts heatmaps: near is dark', async () => {
    const gray = async (query: string) =>
      await sharp((await fetch(cat.id as string, `?colormap=gray${query}`)).body)
        .raw()
        .toBuffer();
    const [plain, inverted] = await Promise.all([gray(''), gray('&invert=true')]);
    expect(Array.from(inverted)).toEqual(Array.from(plain, (level) => 255 - level));
    const again = await gray('&invert=1');
    expect(again.equals(inverted)).toBe(true);
  });

  it('fixes the normalisation with range, the same across photos, clamping values outside', async () => {
    const cup = await depthOf('coffee_cup_closeup.png');
    const photos = [cat, cup];
    const floats = await Promise.all(photos.map((job) => floatsOf(job.id as string)));
    // A range inside both photos' depth, so each has values below and above it.
    const lo = Math.max(...floats.map(({ values }) => minMax(values).min));
    const hi = Math.min(...floats.map(({ values }) => minMax(values).max));
    expect(hi).toBeGreaterThan(lo);
    const [min, max] = [lo + (hi - lo) / 4, hi - (hi - lo) / 4];
    const query = `&range=${min},${max}`;
    const expected = (v: number) =>
      Math.min(65535, Math.max(0, Math.floor(((v - min) * 65535) / (max - min) + 0.5)));
    for (const [i, job] of photos.entries()) {
      const levels = await png16(job.id as string, query);
      const { values } = floats[i];
      // One function of the value for both photos: the same depth gets the same level.
      let worst = 0;
      values.forEach((v, k) => (worst = Math.max(worst, Math.abs(levels[k] - expected(v)))));
      expect(worst).toBeLessThanOrEqual(1);
      const below = values.findIndex((v) => v < min);
      const above = values.findIndex((v) => v > max);
      expect([levels[below], levels[above]]).toEqual([0, 65535]);
      // The heatmaps follow the same levels: gray shows level >> 8.
      const gray = await sharp((await fetch(job.id as string, `?colormap=gray${query}`)).body)
        .raw()
        .toBuffer({ resolveWithObject: true });
      expect(gray.info.channels).toBe(3);
      expect([gray.data[below * 3], gray.data[above * 3]]).toEqual([0, 255]);
    }
  });

  it('puts the upright photo left of the heatmap in side_by_side: 2W x H', async () => {
    // Stored 1200x1800 with EXIF orientation 6: upright it is 1800x1200.
    const job = await depthOf('waterfall_exif_orient6.jpg');
    expect([job.result.width, job.result.height]).toEqual([1800, 1200]);
    for (const format of ['png', 'jpeg', 'webp']) {
      const res = await fetch(job.id as string, `?format=${format}&side_by_side`);
      const meta = await sharp(res.body).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([format, 3600, 1200]);
      expect(res.headers['content-disposition']).toContain('-side-by-side.');
    }
    const both = await sharp((await fetch(job.id as string, '?side_by_side=1')).body)
      .raw()
      .toBuffer();
    const heatmap = await sharp((await fetch(job.id as string, '')).body)
      .raw()
      .toBuffer();
    const upright = await sharp(readFileSync(photo('waterfall_exif_orient6.jpg')))
      .autoOrient()
      .raw()
      .toBuffer();
    const row = 1800 * 3;
    for (const y of [0, 600, 1199]) {
      const line = both.subarray(y * row * 2, (y + 1) * row * 2);
      expect(line.subarray(row).equals(heatmap.subarray(y * row, (y + 1) * row))).toBe(true);
      expect(line.subarray(0, row).equals(upright.subarray(y * row, (y + 1) * row))).toBe(true);
    }
  });

  it('renders a new spec once, then serves it from the job files', async () => {
    const query = '?format=webp&colormap=viridis&range=0.1,0.9';
    const [first, shared] = await Promise.all([
      fetch(cat.id as string, query),
      fetch(cat.id as string, query),
    ]);
    expect(first.headers['x-render-cache']).toBe('miss');
    expect(shared.headers['x-render-cache']).toBe('miss');
    expect(shared.body.equals(first.body)).toBe(true);
    const second = await fetch(cat.id as string, query);
    expect(second.headers['x-render-cache']).toBe('hit');
    expect(second.body.equals(first.body)).toBe(true);
    // Parameters a format ignores do not make a new rendering.
    await fetch(cat.id as string, '?format=npy');
    const npy = await fetch(cat.id as string, '?format=npy&colormap=magma&invert');
    expect(npy.headers['x-render-cache']).toBe('hit');
  });

  it('serves a point cloud with the parameters it was asked for, once per distinct rendering', async () => {
    const { width, height } = cat.result as { width: number; height: number };
    const dense = await fetch(cat.id as string, '?format=ply&step=1&edge=1000');
    // edge=1000 keeps every point: no jump between neighbours can exceed far - 1.
    expect(parsePlyHeader(dense.body).vertexCount).toBe(sampledPoints(width, height, 1));
    const sparse = await fetch(cat.id as string, '?format=ply&step=4&edge=1000&fov=90');
    expect(parsePlyHeader(sparse.body).vertexCount).toBe(sampledPoints(width, height, 4));
    expect(parsePlyHeader(sparse.body).comments.join(' ')).toMatch(/fov[ =:]+90/);
    // The defaults spelled out are the same rendering as no parameters at all.
    await fetch(cat.id as string, '?format=ply');
    const spelled = await fetch(cat.id as string, '?format=ply&step=2&fov=60&edge=0.1&far=10');
    expect(spelled.headers['x-render-cache']).toBe('hit');
  });

  it.each([
    ['format=tiff', 'format must be one of: png, jpeg, webp, png16, npy, pfm, ply, json.'],
    ['colormap=jet', 'colormap must be one of: inferno, magma, plasma, viridis, turbo, gray.'],
    ['invert=maybe', 'invert must be one of: true, false, 1, 0 (or bare for true).'],
    ['side_by_side=yes', 'side_by_side must be one of: true, false, 1, 0 (or bare for true).'],
    ['range=1,0', 'range must be "min,max": two finite numbers with min < max.'],
    ['range=0,Infinity', 'range must be "min,max": two finite numbers with min < max.'],
    ['format=png&format=jpeg', 'format must be given at most once, as a plain value.'],
    ['format=ply&step=0', 'step must be an integer in [1, 64]; got 0.'],
    ['format=ply&fov=180', 'fov must be a number in (0, 180); got 180.'],
    ['format=ply&far=ten', 'far must be a number in (1, 1000]; got ten.'],
  ])('refuses %s with a 400 naming the parameter', async (query, error) => {
    const res = await t.http().get(`/api/v1/depth/${cat.id}/result?${query}`).expect(400);
    expect(res.body).toEqual({ statusCode: 400, code: 'bad_request', error });
    await t.http().get('/livez').expect(200);
  });
});
