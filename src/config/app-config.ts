import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Env, EnvReader } from './env-parsers';
import { ModelConfig, parseModels } from './model-config';

export type { ModelConfig } from './model-config';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The one typed configuration, read once from the environment at boot. */
export class AppConfig {
  readonly host!: string;
  readonly port!: number;
  /** Every model to load, in MODELS order. */
  readonly models!: ModelConfig[];
  /** The default model: the one a request without `model=` gets, and readiness follows. */
  readonly model!: ModelConfig;
  readonly workers!: number;
  readonly intraOpThreads!: number;
  /** Intra-op threads for a job that has the pool to itself (one-at-a-time traffic). */
  readonly soloIntraOpThreads!: number;
  /** Nice value of the inference threads, so the event loop wins the CPU when both want it. */
  readonly workerNice!: number;
  readonly queueMax!: number;
  readonly jobTimeoutMs!: number;
  /** How long POST /api/v1/depth/sync waits for its job before answering 504 with the job's id. */
  readonly syncTimeoutMs!: number;
  readonly resultTtlSeconds!: number;
  readonly resultsDir!: string;
  readonly maxUploadBytes!: number;
  readonly maxInputPixels!: number;
  /** Longest side an image may declare, checked from the header with MAX_INPUT_PIXELS. */
  readonly maxSide!: number;
  /** An upload whose body sends nothing for this long is answered 408 and closed. */
  readonly uploadBodyTimeoutMs!: number;
  /** Node's headersTimeout and requestTimeout: whole headers, and the whole request. */
  readonly headersTimeoutMs!: number;
  readonly requestTimeoutMs!: number;
  /** Uploads per minute per client IP, or null when limiting is off. */
  readonly uploadRateLimit!: number | null;
  readonly clientDir!: string;
  /** Job rooms one Socket.IO connection may be in at once. */
  readonly realtimeMaxSubscriptions!: number;
  /** How long a shutdown may run queued and running jobs before failing the rest. */
  readonly shutdownGraceMs!: number;
  /** Test-only worker fault hook (see README "Faults"); refused when NODE_ENV=production. */
  readonly faultInjection!: boolean;
  /** Status and result reads per minute per client IP, or null when limiting is off. */
  readonly readRateLimit!: number | null;
  /** Express "trust proxy": false, a hop count, or addresses/subnets of trusted proxies. */
  readonly trustProxy!: boolean | number | string;
  /** Origins allowed cross-origin (HTTP and Socket.IO); null = same origin only. */
  readonly corsOrigins!: string[] | null;
  readonly logLevel!: LogLevel;
  /** Readiness fails once queued plus running jobs reach this fraction of QUEUE_MAX. */
  readonly readyQueueSaturation!: number;
  /** Readiness fails when the results directory's filesystem has less free space. */
  readonly resultsMinFreeBytes!: number;
  /** Uploads of the same bytes and model share one job while it is pending or its result lasts. */
  readonly dedupe!: boolean;

  static fromEnv(env: Env, cores = availableParallelism()): AppConfig {
    return Object.assign(new AppConfig(), parse(new EnvReader(env), cores));
  }
}

const PROJECT_ROOT = resolve(__dirname, '..', '..');

function parse(env: EnvReader, cores: number): AppConfig {
  const { models, model } = parseModels(env, PROJECT_ROOT);
  const { workers, intraOpThreads } = threadSplit(env, cores);
  const jobTimeoutMs = env.int('JOB_TIMEOUT_MS', 30_000, 100);

  const config: AppConfig = {
    host: env.string('HOST', '0.0.0.0'),
    port: env.int('PORT', 3000, 0, 65535),
    models,
    model,
    workers,
    intraOpThreads,
    soloIntraOpThreads: Math.max(intraOpThreads, env.int('SOLO_INTRA_OP_THREADS', cores, 1, 256)),
    workerNice: env.int('WORKER_NICE', 10, 0, 19),
    queueMax: env.int('QUEUE_MAX', 32, 1, 100_000),
    jobTimeoutMs,
    syncTimeoutMs: syncTimeout(env, jobTimeoutMs),
    resultTtlSeconds: env.int('RESULT_TTL_SECONDS', 3600, 1),
    resultsDir: resolve(env.string('RESULTS_DIR', join(tmpdir(), 'depthserve-results'))),
    maxUploadBytes: env.int('MAX_UPLOAD_BYTES', 20 * 1024 * 1024, 1024),
    maxInputPixels: env.int('MAX_INPUT_PIXELS', 40_000_000, 1),
    maxSide: env.int('MAX_SIDE', 12_000, 1, 1_000_000),
    uploadBodyTimeoutMs: env.int('UPLOAD_BODY_TIMEOUT_MS', 15_000, 100, 3_600_000),
    ...serverTimeouts(env),
    uploadRateLimit: env.rateLimit('UPLOAD_RATE_LIMIT', 60),
    clientDir: resolve(env.string('CLIENT_DIR', join(PROJECT_ROOT, 'dist', 'client'))),
    realtimeMaxSubscriptions: env.int('REALTIME_MAX_SUBSCRIPTIONS', 100, 1, 100_000),
    shutdownGraceMs: env.int('SHUTDOWN_GRACE_MS', 25_000, 0, 3_600_000),
    faultInjection: faultInjection(env),
    readRateLimit: env.rateLimit('READ_RATE_LIMIT', 600),
    trustProxy: env.trustProxy('TRUST_PROXY'),
    corsOrigins: env.origins('CORS_ORIGINS'),
    logLevel: env.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    readyQueueSaturation: fraction(env, 'READY_QUEUE_SATURATION', 1),
    resultsMinFreeBytes: env.int('RESULTS_MIN_FREE_BYTES', 256 * 1024 * 1024, 0),
    dedupe: env.oneOf('DEDUPE', ['on', 'off'], 'on') === 'on',
  };
  if (env.problems.length > 0) throw new ConfigError(env.problems);
  return config;
}

/**
 * By default one single-thread worker per core. An extra worker used to fill
 * the gaps while a job waited on libvips; since plain photos are decoded on
 * the worker's own thread it only competes for the cores (BENCHMARKS.md,
 * ninth session). Setting WORKERS or INTRA_OP_THREADS derives the other from
 * the core count instead.
 */
function threadSplit(env: EnvReader, cores: number) {
  const workersSet = env.raw('WORKERS') !== undefined;
  const threadsSet = env.raw('INTRA_OP_THREADS') !== undefined;
  const workers = env.int('WORKERS', cores, 1, 256);
  const fallbackThreads = workersSet ? Math.max(1, Math.floor(cores / workers)) : 1;
  const intraOpThreads = env.int('INTRA_OP_THREADS', fallbackThreads, 1, 256);
  if (threadsSet && !workersSet) {
    return { workers: Math.max(1, Math.floor(cores / intraOpThreads)), intraOpThreads };
  }
  return { workers, intraOpThreads };
}

/** Node refuses a headersTimeout longer than its requestTimeout; say so at boot instead. */
function serverTimeouts(env: EnvReader) {
  const headersTimeoutMs = env.int('HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000);
  const requestTimeoutMs = env.int('REQUEST_TIMEOUT_MS', 120_000, 100, 3_600_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    env.problems.push(
      `HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed REQUEST_TIMEOUT_MS (${requestTimeoutMs}).`,
    );
  }
  return { headersTimeoutMs, requestTimeoutMs };
}

/**
 * A sync request waits for the queue and then the run, which alone may take up
 * to JOB_TIMEOUT_MS; the default leaves 30 s of queueing on top, so a job that
 * is allowed to finish is not answered 504 merely for having run its course.
 */
function syncTimeout(env: EnvReader, jobTimeoutMs: number): number {
  return env.int('SYNC_TIMEOUT_MS', jobTimeoutMs + 30_000, 100, 3_600_000);
}

/** A test-only hook that can crash workers on request must never be reachable in production. */
function faultInjection(env: EnvReader): boolean {
  const enabled = env.bool('FAULT_INJECTION', false);
  if (enabled && env.raw('NODE_ENV') === 'production') {
    env.problems.push(
      'FAULT_INJECTION is a test-only hook and is refused when NODE_ENV=production.',
    );
    return false;
  }
  return enabled;
}

/** A number in (0, 1], such as 0.8. */
function fraction(env: EnvReader, name: string, fallback: number): number {
  const value = env.raw(name);
  if (value === undefined) return fallback;
  const parsed = /^\d*\.?\d+$/.test(value) ? Number(value) : NaN;
  if (!(parsed > 0 && parsed <= 1)) {
    env.problems.push(`${name}="${value}" must be a fraction above 0 and at most 1, such as 0.8.`);
    return fallback;
  }
  return parsed;
}
