import { AppConfig, ConfigError } from './app-config';

describe('AppConfig.fromEnv', () => {
  it('defaults to the official model contract and the documented limits', () => {
    const config = AppConfig.fromEnv({}, 4);
    expect(config.model).toMatchObject({
      id: 'midas-v21-small-256',
      path: undefined,
      download: true,
      contract: {
        input: { kind: 'fixed', width: 256, height: 256 },
        normalization: 'in-graph',
        channelOrder: 'rgb',
        upsampling: 'bicubic',
      },
    });
    expect(config.models).toEqual([config.model]);
    expect(config).toMatchObject({
      port: 3000,
      queueMax: 32,
      jobTimeoutMs: 30_000,
      resultTtlSeconds: 3600,
      maxUploadBytes: 20 * 1024 * 1024,
      maxInputPixels: 40_000_000,
      uploadRateLimit: 60,
    });
  });

  it.each([
    [{}, 4, 4, 1],
    [{}, 1, 1, 1],
    [{ WORKERS: '2' }, 4, 2, 2],
    [{ INTRA_OP_THREADS: '2' }, 4, 2, 2],
    [{ WORKERS: '1', INTRA_OP_THREADS: '3' }, 4, 1, 3],
    [{ WORKERS: '8' }, 4, 8, 1],
  ])(
    'splits the cores: %j on %d cores -> %d workers x %d threads',
    (env, cores, workers, threads) => {
      const config = AppConfig.fromEnv(env, cores);
      expect([config.workers, config.intraOpThreads]).toEqual([workers, threads]);
    },
  );

  it.each([
    [{}, 4, 4],
    [{ WORKERS: '1', INTRA_OP_THREADS: '4' }, 4, 4],
    [{ SOLO_INTRA_OP_THREADS: '2' }, 4, 2],
    // Never narrower than the shared sessions: then no second session is loaded.
    [{ INTRA_OP_THREADS: '2', SOLO_INTRA_OP_THREADS: '1' }, 4, 2],
  ])('gives a job running alone every core: %j on %d cores -> %d threads', (env, cores, solo) => {
    expect(AppConfig.fromEnv(env, cores).soloIntraOpThreads).toBe(solo);
  });

  it('reads custom-model settings and the rate limit switch', () => {
    const config = AppConfig.fromEnv({
      MODEL_PATH: 'models/custom.onnx',
      MODEL_INPUT_SIZE: '384x512',
      MODEL_NORMALIZATION: 'imagenet',
      MODEL_CHANNEL_ORDER: 'bgr',
      UPLOAD_RATE_LIMIT: 'off',
    });
    expect(config.model.path).toMatch(/\/models\/custom\.onnx$/);
    expect(config.model.pathFrom).toBe('MODEL_PATH');
    expect(config.model.contract).toMatchObject({
      input: { kind: 'fixed', width: 384, height: 512 },
      normalization: 'imagenet',
      channelOrder: 'bgr',
    });
    expect(config.uploadRateLimit).toBeNull();
  });

  it('fails fast and names every bad variable at once', () => {
    const bad = {
      PORT: 'eighty',
      QUEUE_MAX: '0',
      MODEL_NORMALIZATION: 'both',
      MODEL_SHA256: 'xyz',
      MODEL_DOWNLOAD: 'maybe',
      MODEL_NAME: 'midas-large',
    };
    let error: unknown;
    try {
      AppConfig.fromEnv(bad);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(6);
    for (const name of Object.keys(bad)) expect((error as Error).message).toContain(name);
  });

  it('keeps the worker fault hook off by default and refuses it in production', () => {
    expect(AppConfig.fromEnv({})).toMatchObject({ faultInjection: false, shutdownGraceMs: 25_000 });
    expect(AppConfig.fromEnv({ FAULT_INJECTION: 'true' }).faultInjection).toBe(true);
    expect(() => AppConfig.fromEnv({ FAULT_INJECTION: 'true', NODE_ENV: 'production' })).toThrow(
      /FAULT_INJECTION is a test-only hook/,
    );
  });

  it('reads the observability settings and refuses out-of-range ones', () => {
    expect(AppConfig.fromEnv({})).toMatchObject({
      logLevel: 'info',
      readyQueueSaturation: 1,
      resultsMinFreeBytes: 256 * 1024 * 1024,
    });
    const set = AppConfig.fromEnv({
      LOG_LEVEL: 'silent',
      READY_QUEUE_SATURATION: '0.75',
      RESULTS_MIN_FREE_BYTES: '0',
    });
    expect(set).toMatchObject({
      logLevel: 'silent',
      readyQueueSaturation: 0.75,
      resultsMinFreeBytes: 0,
    });
    for (const bad of [
      { LOG_LEVEL: 'verbose' },
      { READY_QUEUE_SATURATION: '0' },
      { READY_QUEUE_SATURATION: '1.5' },
      { READY_QUEUE_SATURATION: 'half' },
      { RESULTS_MIN_FREE_BYTES: '-1' },
    ]) {
      expect(() => AppConfig.fromEnv(bad)).toThrow(Object.keys(bad)[0]);
    }
  });

  it('deduplicates uploads unless DEDUPE is off, and accepts only on or off', () => {
    expect(AppConfig.fromEnv({}).dedupe).toBe(true);
    expect(AppConfig.fromEnv({ DEDUPE: 'on' }).dedupe).toBe(true);
    expect(AppConfig.fromEnv({ DEDUPE: 'off' }).dedupe).toBe(false);
    expect(() => AppConfig.fromEnv({ DEDUPE: 'maybe' })).toThrow(
      /DEDUPE="maybe" must be one of: on, off/,
    );
  });

  it('reads the input limits and HTTP timeouts, and refuses headers outliving the request', () => {
    expect(AppConfig.fromEnv({})).toMatchObject({
      maxSide: 12_000,
      uploadBodyTimeoutMs: 15_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 120_000,
    });
    expect(
      AppConfig.fromEnv({
        MAX_SIDE: '500',
        UPLOAD_BODY_TIMEOUT_MS: '800',
        HEADERS_TIMEOUT_MS: '900',
      }),
    ).toMatchObject({ maxSide: 500, uploadBodyTimeoutMs: 800, headersTimeoutMs: 900 });
    expect(() => AppConfig.fromEnv({ MAX_SIDE: '0' })).toThrow('MAX_SIDE');
    expect(() =>
      AppConfig.fromEnv({ HEADERS_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '4000' }),
    ).toThrow(/HEADERS_TIMEOUT_MS \(5000\) must not exceed REQUEST_TIMEOUT_MS/);
  });

  it('waits for a sync job JOB_TIMEOUT_MS plus 30 s of queueing unless SYNC_TIMEOUT_MS says', () => {
    expect(AppConfig.fromEnv({}).syncTimeoutMs).toBe(60_000);
    expect(AppConfig.fromEnv({ JOB_TIMEOUT_MS: '5000' }).syncTimeoutMs).toBe(35_000);
    expect(AppConfig.fromEnv({ SYNC_TIMEOUT_MS: '2500' }).syncTimeoutMs).toBe(2500);
    for (const bad of ['0', '99', 'soon', '3600001']) {
      expect(() => AppConfig.fromEnv({ SYNC_TIMEOUT_MS: bad })).toThrow(
        `SYNC_TIMEOUT_MS="${bad}" must be a whole number from 100 to 3600000.`,
      );
    }
  });
});

describe('AppConfig.fromEnv: several models', () => {
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      AppConfig.fromEnv(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('loads the MODELS in order, the first being the default, each with its catalog contract', () => {
    const config = AppConfig.fromEnv({ MODELS: 'depth-anything-v2-small, midas-v21-384' });
    expect(config.models.map((model) => model.id)).toEqual([
      'depth-anything-v2-small',
      'midas-v21-384',
    ]);
    expect(config.model.id).toBe('depth-anything-v2-small');
    expect(config.models[0].contract).toEqual({
      input: { kind: 'keep-aspect', lowerBound: 518, multipleOf: 14, maxSide: 2072 },
      normalization: 'imagenet',
      channelOrder: 'rgb',
      upsampling: 'bilinear',
      output: 'relative-inverse-depth',
    });
    expect(config.models[1].contract.input).toEqual({ kind: 'fixed', width: 384, height: 384 });
  });

  it('takes MODEL_DEFAULT among them, and points ids at local files with MODEL_PATHS', () => {
    const config = AppConfig.fromEnv({
      MODELS: 'midas-v21-small-256,depth-anything-v2-small',
      MODEL_DEFAULT: 'depth-anything-v2-small',
      MODEL_PATHS: 'depth-anything-v2-small=/srv/da.onnx, midas-v21-small-256=rel/small.onnx',
    });
    expect(config.model).toMatchObject({
      id: 'depth-anything-v2-small',
      path: '/srv/da.onnx',
      pathFrom: 'MODEL_PATHS',
    });
    expect(config.models[0].path).toMatch(/\/rel\/small\.onnx$/);
    expect(config.models[0].pathFrom).toBe('MODEL_PATHS');
  });

  it('applies MODEL_PATH and the single-model overrides to the default model only', () => {
    const config = AppConfig.fromEnv({
      MODELS: 'midas-v21-small-256,midas-v21-384',
      MODEL_DEFAULT: 'midas-v21-384',
      MODEL_PATH: '/srv/custom.onnx',
      MODEL_CHANNEL_ORDER: 'bgr',
    });
    expect(config.model).toMatchObject({ id: 'midas-v21-384', path: '/srv/custom.onnx' });
    expect(config.model.contract.channelOrder).toBe('bgr');
    expect(config.models[0].path).toBeUndefined();
    expect(config.models[0].contract.channelOrder).toBe('rgb');
  });

  it.each([
    [
      { MODELS: 'midas-v21-small-256,midas-huge' },
      /MODELS names "midas-huge", not in the catalog \(known: midas-v21-small-256, midas-v21-384, depth-anything-v2-small\)/,
    ],
    [{ MODELS: 'midas-v21-384,midas-v21-384' }, /MODELS lists midas-v21-384 twice/],
    [{ MODELS: 'midas-v21-384', MODEL_NAME: 'midas-v21-384' }, /Set MODELS or MODEL_NAME/],
    [
      { MODELS: 'midas-v21-384', MODEL_DEFAULT: 'midas-v21-small-256' },
      /MODEL_DEFAULT="midas-v21-small-256" is not one of the loaded models \(midas-v21-384\)/,
    ],
    [
      { MODEL_PATHS: 'midas-v21-384=/x.onnx' },
      /MODEL_PATHS names "midas-v21-384", which is not a loaded model \(midas-v21-small-256\)/,
    ],
    [{ MODEL_PATHS: '/x.onnx' }, /MODEL_PATHS entry "\/x.onnx" must look like id=\/path/],
    [
      { MODEL_PATHS: 'midas-v21-small-256=/a.onnx,midas-v21-small-256=/b.onnx' },
      /gives "midas-v21-small-256" twice/,
    ],
    [
      { MODEL_PATHS: 'midas-v21-small-256=/a.onnx', MODEL_PATH: '/b.onnx' },
      /MODEL_PATH and MODEL_PATHS both give a file for the default model/,
    ],
  ])('refuses %j at boot with a clear message', (env, message) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});
