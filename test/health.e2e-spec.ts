import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { model, photo } from './helpers/paths';
import { sleep, startApp, TestApp, waitReady } from './helpers/test-app';

/** A local "mirror" that holds the model download until the test releases it. */
function gatedMirror(bytes: Buffer) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const server: Server = createServer((_req, res) => {
    void gate.then(() => {
      res.writeHead(200, { 'content-length': bytes.length });
      res.end(bytes);
    });
  });
  return {
    release,
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () =>
          resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}/model.onnx`),
        ),
      ),
    /** Also lets a held download go and drops its connection: a failed test must not leave it. */
    stop: () =>
      new Promise((resolve) => {
        release();
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('/healthz and /livez', () => {
  let t: TestApp | undefined;
  let mirror: ReturnType<typeof gatedMirror> | undefined;
  afterEach(async () => {
    await t?.close();
    await mirror?.stop();
    t = undefined;
    mirror = undefined;
  });

  it('is live but not ready while the model downloads, then ready with the verified model', async () => {
    const bytes = readFileSync(model('tiny'));
    mirror = gatedMirror(bytes);
    const modelsDir = mkdtempSync(join(tmpdir(), 'depthserve-models-'));
    t = await startApp({
      MODEL_PATH: '',
      MODELS_DIR: modelsDir,
      MODEL_URL: await mirror.start(),
      MODEL_SHA256: sha256(bytes),
    });

    await t.http().get('/livez').expect(200, { status: 'ok' });
    const notReady = await t.http().get('/healthz').expect(503);
    expect(notReady.body).toMatchObject({
      status: 'error',
      details: { model: { status: 'down', loaded: false } },
    });
    const refused = await t
      .http()
      .post('/api/v1/depth')
      .attach('file', photo('chelsea_cat_small.jpg'))
      .expect(503);
    expect(refused.body).toMatchObject({
      code: 'model_not_ready',
      error: expect.stringContaining('still starting'),
    });
    expect(refused.headers['retry-after']).toBeDefined();

    mirror.release();
    await waitReady(t);
    const ready = await t.http().get('/healthz').expect(200);
    expect(ready.body.details).toMatchObject({
      model: { status: 'up', name: 'midas-v21-small-256', sha256: sha256(bytes), loaded: true },
      workers: { status: 'up', count: 2, alive: 2 },
      queue: { status: 'up', depth: 0, capacity: 32 },
    });
    expect(readdirSync(modelsDir)).toEqual(['midas-v21-small-256.onnx']);
    await t.http().post('/api/v1/depth').attach('file', photo('chelsea_cat_small.jpg')).expect(202);
  });

  it('stays live but never ready when the download has the wrong sha256, and says how to fix it', async () => {
    mirror = gatedMirror(readFileSync(model('tiny')));
    mirror.release();
    const modelsDir = mkdtempSync(join(tmpdir(), 'depthserve-models-'));
    t = await startApp({
      MODEL_PATH: '',
      MODELS_DIR: modelsDir,
      MODEL_URL: await mirror.start(),
      MODEL_SHA256: 'ab'.repeat(32),
    });
    const message = await waitForFailure(t);
    expect(message).toMatch(/sha256 mismatch/);
    // Named, but without the server's directory layout: probes are public.
    expect(message).toContain('midas-v21-small-256.onnx');
    expect(message).not.toContain(modelsDir);
    expect(message).toContain('MODEL_PATH');
    // Nothing half-downloaded or unverified is left where the service would load it.
    expect(readdirSync(modelsDir)).toEqual([]);
    const refused = await t
      .http()
      .post('/upload')
      .attach('file', photo('chelsea_cat_small.jpg'))
      .expect(503);
    expect(refused.body.error).toContain('To fix');
    await t.http().get('/livez').expect(200);
  });

  it('reports a model file that is not ONNX as not ready, without crashing', async () => {
    const bogus = join(mkdtempSync(join(tmpdir(), 'depthserve-models-')), 'bogus.onnx');
    writeFileSync(bogus, 'this is not a protobuf');
    t = await startApp({ MODEL_PATH: bogus });
    expect(await waitForFailure(t)).toMatch(/ONNX Runtime could not load .*bogus\.onnx/);
    await t.http().get('/livez').expect(200);
  });

  it('reports a missing MODEL_PATH as not ready, and picks the file up once it appears', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'depthserve-models-')), 'late.onnx');
    t = await startApp({ MODEL_PATH: path, MODEL_RETRY_SECONDS: '1' });
    const message = await waitForFailure(t);
    expect(message).toContain('MODEL_PATH=late.onnx does not exist');
    expect(message).not.toContain(path);
    expect(message).toContain('Retrying in 1 s.');
    copyFileSync(model('tiny'), path);
    await waitReady(t, 10_000);
    await t.http().post('/api/v1/depth').attach('file', photo('chelsea_cat_small.jpg')).expect(202);
  });
});

async function waitForFailure(t: TestApp): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const res = await t.http().get('/healthz').expect(503);
    const model = res.body.details.model as { phase: string; message: string };
    if (model.phase === 'failed') return model.message;
    await sleep(25);
  }
  throw new Error('The model never reported a failure.');
}
