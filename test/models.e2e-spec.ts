import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MODEL_CATALOG } from '../src/inference/model/model-catalog';
import { JobsService } from '../src/jobs/jobs.service';
import type { ModelInfoDto } from '../src/models/dto/model-info.dto';
import { model, photo } from './helpers/paths';
import { startApp, TestApp, until, waitFinished, waitReady } from './helpers/test-app';

const DEFAULT = 'midas-v21-small-256';
const DEPTH_ANYTHING = 'depth-anything-v2-small';
const LARGE = 'midas-v21-384';
const AVAILABLE = `${DEFAULT}, ${DEPTH_ANYTHING}, ${LARGE}`;
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Depth Anything's lower_bound rule: scale so both sides reach 518, round each to 14. */
function lowerBound518(width: number, height: number) {
  const scale = Math.max(518 / width, 518 / height);
  const side = (length: number) => {
    const rounded = Math.round((length * scale) / 14) * 14;
    return rounded < 518 ? Math.ceil((length * scale) / 14) * 14 : rounded;
  };
  return [side(width), side(height)];
}

/**
 * Three catalog models at once, each pointed at a generated file of its
 * contract with MODEL_PATHS: the default (a red-channel probe), Depth
 * Anything (a dynamic-size probe with its export's names) and MiDaS 384,
 * whose file answers a constant and so must fail the readiness self-check.
 */
describe('several models: MODELS, model= and GET /api/v1/models', () => {
  let t: TestApp;
  const errors: string[] = [];

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      errors.push(String(message));
    });
    t = await startApp({
      MODEL_PATH: '',
      MODELS: `${DEFAULT},${DEPTH_ANYTHING},${LARGE}`,
      MODEL_PATHS: [
        `${DEFAULT}=${model('red')}`,
        `${DEPTH_ANYTHING}=${model('probe-dynamic')}`,
        `${LARGE}=${model('constant')}`,
      ].join(','),
      MODEL_RETRY_SECONDS: '3600',
      DEDUPE: 'on',
    });
    await waitReady(t);
    await until(
      async () => (await models()).every((entry) => entry.phase !== 'loading'),
      'no model is loading',
    );
  });
  afterAll(async () => {
    await t.close();
    jest.restoreAllMocks();
  });

  const models = async () =>
    (await t.http().get('/api/v1/models').expect(200)).body as ModelInfoDto[];

  const upload = (query = '') =>
    t.http().post(`/api/v1/depth${query}`).attach('file', photo('coffee_cup_closeup.png'));

  it('lists every model with its contract, source and readiness', async () => {
    const list = await models();
    const contract = (id: string) => MODEL_CATALOG.find((entry) => entry.id === id)!.contract;
    expect(list).toEqual([
      {
        id: DEFAULT,
        default: true,
        loaded: true,
        ready: true,
        phase: 'ready',
        detail: 'Ready.',
        sha256: sha256(model('red')),
        source: 'MODEL_PATHS',
        contract: contract(DEFAULT),
        io: { inputName: 'image', outputName: 'inverse_depth', inputWidth: 256, inputHeight: 256 },
      },
      {
        id: DEPTH_ANYTHING,
        default: false,
        loaded: true,
        ready: true,
        phase: 'ready',
        detail: 'Ready.',
        sha256: sha256(model('probe-dynamic')),
        source: 'MODEL_PATHS',
        contract: contract(DEPTH_ANYTHING),
        io: {
          inputName: 'pixel_values',
          outputName: 'predicted_depth',
          inputWidth: null,
          inputHeight: null,
        },
      },
      expect.objectContaining({ id: LARGE, default: false, ready: false, phase: 'failed' }),
    ]);
    expect(list[2].contract.input).toEqual({ kind: 'fixed', width: 384, height: 384 });
  });

  it('fails the model whose output is constant, with a clear log line, while the others serve', async () => {
    const [, , large] = await models();
    expect(large.detail).toMatch(
      /^Model midas-v21-384 failed its readiness self-check on the built-in gradient image \(fed 384x384\): non-constant check failed: every output value is 0/,
    );
    expect(large.io).toBeUndefined();
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^The model could not be loaded; midas-v21-384 is unavailable and the service stays up\. .*non-constant check failed/,
      ),
    );
    // Readiness follows the default model, and reports every model.
    const health = await t.http().get('/healthz').expect(200);
    expect(health.body.details.model).toMatchObject({
      name: 'custom:synthetic-red.onnx',
      loaded: true,
    });
    expect(
      (health.body.details.model.models as { id: string; phase: string }[]).map(({ id, phase }) => [
        id,
        phase,
      ]),
    ).toEqual([
      [DEFAULT, 'ready'],
      [DEPTH_ANYTHING, 'ready'],
      [LARGE, 'failed'],
    ]);
    const refused = await upload(`?model=${LARGE}`).expect(503);
    expect(refused.body).toMatchObject({
      statusCode: 503,
      code: 'model_not_ready',
      error: expect.stringContaining(`The model ${LARGE} is not available.`),
    });
  });

  it('runs the model a request names, at that model declared size and kernel', async () => {
    const plain = (await upload().expect(202)).body as { id: string };
    const chosen = (await upload(`?model=${DEPTH_ANYTHING}`).expect(202)).body as { id: string };
    const [a, b] = [await waitFinished(t, plain.id), await waitFinished(t, chosen.id)];
    expect([a.status, b.status]).toEqual(['done', 'done']);
    expect([a.model, b.model]).toEqual([DEFAULT, DEPTH_ANYTHING]);
    // Red probe: red in [0,1]. Depth Anything probe: ImageNet-normalised r + g + b.
    expect(a.result.depthMax).toBeLessThanOrEqual(1);
    expect(b.result.depthMin).toBeLessThan(0);
    expect([a.result.width, a.result.height]).toEqual([600, 400]);
    expect([b.result.width, b.result.height]).toEqual([600, 400]);

    const jobs = t.app.get(JobsService);
    expect(jobs.current(plain.id).output).toMatchObject({
      model: DEFAULT,
      upsampling: 'bicubic',
      depthWidth: 256,
      depthHeight: 256,
    });
    const [width, height] = lowerBound518(600, 400);
    expect(jobs.current(chosen.id).output).toMatchObject({
      model: DEPTH_ANYTHING,
      upsampling: 'bilinear',
      depthWidth: width,
      depthHeight: height,
    });
    const heatmap = await t.http().get(`/api/v1/depth/${chosen.id}/result`).expect(200);
    expect(heatmap.headers['content-type']).toBe('image/png');
  });

  it('deduplicates per model: the same bytes share a job only under the same model', async () => {
    const first = (await upload(`?model=${DEPTH_ANYTHING}`).expect(202)).body as { id: string };
    await waitFinished(t, first.id);
    const again = await upload(`?model=${DEPTH_ANYTHING}`).expect(202);
    expect(again.body).toMatchObject({ id: first.id, deduplicated: true });
    const other = await upload(`?model=${DEFAULT}`).expect(202);
    expect(other.body.id).not.toBe(first.id);
  });

  it('selects with model= on the legacy upload too', async () => {
    const res = await t
      .http()
      .post(`/upload?model=${DEPTH_ANYTHING}`)
      .attach('file', photo('chelsea_cat_small.jpg'))
      .expect(200);
    const { request_id: id } = res.body as { request_id: string };
    expect((await waitFinished(t, id)).model).toBe(DEPTH_ANYTHING);
  });

  it('also takes the model from a "model" text field, refusing one that contradicts the query', async () => {
    const field = (url: string, value: string) =>
      t.http().post(url).field('model', value).attach('file', photo('chelsea_cat_small.jpg'));
    const { id } = (await field('/api/v1/depth', DEPTH_ANYTHING).expect(202)).body as {
      id: string;
    };
    expect((await waitFinished(t, id)).model).toBe(DEPTH_ANYTHING);
    const unknown = await field('/api/v1/depth', 'midas-huge').expect(400);
    expect(unknown.body).toMatchObject({
      code: 'unknown_model',
      error: expect.stringContaining(AVAILABLE),
    });
    const notReady = await field('/api/v1/depth', LARGE).expect(503);
    expect(notReady.body.code).toBe('model_not_ready');
    const twice = await field(`/api/v1/depth?model=${DEFAULT}`, DEPTH_ANYTHING).expect(400);
    expect(twice.body).toMatchObject({
      code: 'malformed_upload',
      error: expect.stringMatching(/named twice/),
    });
  });

  it.each([
    ['/api/v1/depth?model=midas-huge', 'midas-huge'],
    ['/upload?model=midas-huge', 'midas-huge'],
    ['/api/v1/depth?model=a&model=b', '["a","b"]'],
  ])('answers %s with 400 unknown_model listing the available ones', async (url, shown) => {
    const res = await t.http().post(url).attach('file', photo('chelsea_cat_small.jpg')).expect(400);
    expect(res.body).toEqual({
      statusCode: 400,
      code: 'unknown_model',
      error: `Unknown model "${shown}". Available models: ${AVAILABLE}.`,
    });
  });

  it('refuses an unknown model before reading the body', async () => {
    // No multipart body at all: a refusal by the body parser would be 400 malformed_upload.
    const res = await t.http().post('/api/v1/depth?model=midas-huge').expect(400);
    expect(res.body.code).toBe('unknown_model');
  });
});

describe('one model loaded (the default configuration)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('lists the catalog entries it does not load as not loaded', async () => {
    const list = (await t.http().get('/api/v1/models').expect(200)).body as ModelInfoDto[];
    expect(
      list.map(({ id, default: isDefault, loaded, ready, phase }) => ({
        id,
        isDefault,
        loaded,
        ready,
        phase,
      })),
    ).toEqual([
      { id: DEFAULT, isDefault: true, loaded: true, ready: true, phase: 'ready' },
      { id: LARGE, isDefault: false, loaded: false, ready: false, phase: 'not-loaded' },
      { id: DEPTH_ANYTHING, isDefault: false, loaded: false, ready: false, phase: 'not-loaded' },
    ]);
    expect(list[0].source).toBe('MODEL_PATH');
    expect(list[2].contract.input).toEqual({
      kind: 'keep-aspect',
      lowerBound: 518,
      multipleOf: 14,
      maxSide: 2072,
    });
  });

  it('refuses a catalog model that is not loaded with 400, listing the one that is', async () => {
    const res = await t
      .http()
      .post(`/api/v1/depth?model=${DEPTH_ANYTHING}`)
      .attach('file', photo('chelsea_cat_small.jpg'))
      .expect(400);
    expect(res.body).toEqual({
      statusCode: 400,
      code: 'unknown_model',
      error: `Unknown model "${DEPTH_ANYTHING}". Available models: ${DEFAULT}.`,
    });
  });
});
