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
});
