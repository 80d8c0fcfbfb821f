/**
 * `depthserve predict` as a user runs it: the built CLI in its own process,
 * real photos, a real ONNX Runtime session, one broken file among them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { sampledPoints } from '../src/inference/pipeline/point-cloud';
import { corruptMiddle } from './helpers/corpus';
import { parseNpy } from './helpers/depth-files';
import { parsePlyHeader } from './helpers/ply';
import { model, photo, ROOT, SHARED_IMAGES } from './helpers/paths';
import { startApp, TestApp, waitFinished, waitReady } from './helpers/test-app';

const CLI = join(ROOT, 'dist', 'cli', 'depthserve.js');
const CAT = 'chelsea_cat_small.jpg';
/** Every photo of the shared folder (SOURCES.md beside them is no image and is skipped). */
const SHARED = readdirSync(SHARED_IMAGES).filter((name) => /\.(jpg|png)$/.test(name));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, MODEL_PATH: model('red'), WORKERS: '2', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('depthserve predict (e2e)', () => {
  let broken: string;

  beforeAll(() => {
    broken = mkdtempSync(join(tmpdir(), 'depthserve-cli-in-'));
    // A JPEG whose scan has a hole: it passes the header checks and fails only when decoded.
    writeFileSync(join(broken, 'damaged.jpg'), corruptMiddle(readFileSync(photo(CAT))));
    writeFileSync(join(broken, 'notes.jpg'), 'not an image at all');
  });

  it('renders every photo of the shared folder, reports each broken file and exits 1', async () => {
    const out = mkdtempSync(join(tmpdir(), 'depthserve-cli-out-'));
    const run = await cli(['predict', SHARED_IMAGES, broken, '--out', out, '--format', 'jpeg']);
    const total = SHARED.length + 2;

    expect(SHARED.length).toBeGreaterThanOrEqual(8);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `^${SHARED.length} of ${total} images done in [\\d.]+ s \\([\\d.]+ images/s\\), 2 failed\\.`,
        'm',
      ),
    );
    expect(run.stdout).toMatch(/failed: .*damaged\.jpg: .*(corrupt|premature|invalid|bad)/i);
    expect(run.stdout).toMatch(/failed: .*notes\.jpg: Unsupported image type/);
    const stem = (name: string) => name.replace(/\.\w+$/, '');
    expect(readdirSync(out).sort()).toEqual(SHARED.map((name) => `${stem(name)}.jpg`).sort());
    for (const name of SHARED) {
      const result = await sharp(join(out, `${stem(name)}.jpg`)).metadata();
      const original = await sharp(photo(name)).metadata();
      expect(result.format).toBe('jpeg');
      // The heatmap has the upright photo's size (EXIF orientation 6 swaps the sides).
      expect([result.width, result.height]).toEqual([
        original.autoOrient.width,
        original.autoOrient.height,
      ]);
    }
    // A progress line per file on stderr when it is not a terminal.
    expect(run.stderr.match(new RegExp(`^\\[[#.]+\\] \\d+/${total} `, 'gm'))).toHaveLength(total);
  });

  it('exits 0 when every image succeeds, and 2 on a usage error', async () => {
    const out = mkdtempSync(join(tmpdir(), 'depthserve-cli-out-'));
    const ok = await cli(['predict', photo(CAT), '-o', out]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^1 of 1 images done/m);

    const usage = await cli(['predict', photo(CAT), '--out', out, '--format', 'bmp']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--format must be one of: /);
    const noOut = await cli(['predict', photo(CAT)]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out DIR is required/);
  });

  it('writes the data formats: float depth at the photo size, and a point cloud', async () => {
    const out = mkdtempSync(join(tmpdir(), 'depthserve-cli-out-'));
    const { width, height } = await sharp(photo(CAT)).metadata();
    expect((await cli(['predict', photo(CAT), '-o', out, '-f', 'npy'])).code).toBe(0);
    const npy = parseNpy(readFileSync(join(out, 'chelsea_cat_small.npy')));
    expect([npy.width, npy.height]).toEqual([width, height]);
    expect(npy.values.every((value) => Number.isFinite(value))).toBe(true);

    expect((await cli(['predict', photo(CAT), '-o', out, '-f', 'ply'])).code).toBe(0);
    const ply = parsePlyHeader(readFileSync(join(out, 'chelsea_cat_small.ply')));
    expect(ply.format).toBe('binary_little_endian 1.0');
    // The default step is 2; the edge filter may only drop points.
    expect(ply.vertexCount).toBeGreaterThan(0);
    expect(ply.vertexCount).toBeLessThanOrEqual(sampledPoints(width, height, 2));
  });

  it('runs the model --model names, resolved as the service resolves it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'depthserve-cli-out-'));
    const env = { MODEL_PATHS: `depth-anything-v2-small=${model('probe-dynamic')}` };
    const args = ['predict', photo(CAT), '--out', out, '--model', 'depth-anything-v2-small'];
    const run = await cli(args, env);
    expect(run.code).toBe(0);
    const byDefault = mkdtempSync(join(tmpdir(), 'depthserve-cli-out-'));
    expect((await cli(['predict', photo(CAT), '--out', byDefault])).code).toBe(0);
    const name = 'chelsea_cat_small.png';
    // The red-channel probe and the all-channel probe see the same photo differently.
    expect(readFileSync(join(out, name)).equals(readFileSync(join(byDefault, name)))).toBe(false);

    const unknown = await cli(['predict', photo(CAT), '--out', out, '--model', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/"nope", not in the catalog \(known: midas-v21-small-256/);
  });

  describe('against the service', () => {
    let app: TestApp;

    beforeAll(async () => {
      app = await startApp({ MODEL_PATH: model('red') });
      await waitReady(app);
    });
    afterAll(() => app.close());

    it('writes exactly the bytes the service returns for the same photo and rendering', async () => {
      const out = mkdtempSync(join(tmpdir(), 'depthserve-cli-out-'));
      const run = await cli(['predict', photo(CAT), '--out', out, '--colormap', 'viridis']);
      expect(run.code).toBe(0);

      const upload = await app.http().post('/api/v1/depth').attach('file', photo(CAT));
      await waitFinished(app, upload.body.id as string);
      const served = await app
        .http()
        .get(`/api/v1/depth/${upload.body.id}/result?colormap=viridis`)
        .buffer(true)
        .expect(200);
      expect(readFileSync(join(out, 'chelsea_cat_small.png')).equals(served.body as Buffer)).toBe(
        true,
      );
    });
  });
});
