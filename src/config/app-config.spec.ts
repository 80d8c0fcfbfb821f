import { AppConfig, ConfigError } from './app-config';

describe('AppConfig.fromEnv', () => {
  it('defaults to the official model contract and the documented limits', () => {
    const config = AppConfig.fromEnv({}, 4);
    expect(config.model).toMatchObject({
      id: 'midas-v21-small-256',
      path: undefined,
      download: true,
      contract: {
        inputWidth: 256,
        inputHeight: 256,
        normalization: 'in-graph',
        channelOrder: 'rgb',
      },
    });
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
    expect(config.model.contract).toMatchObject({
      inputWidth: 384,
      inputHeight: 512,
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
});
