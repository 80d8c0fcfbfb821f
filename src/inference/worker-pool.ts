import { Logger } from '@nestjs/common';
import { resolve } from 'node:path';
import Piscina from 'piscina';
import type {
  DepthResult,
  ImageInput,
  ModelIo,
  RenderResult,
  RenderTask,
  SelfCheckResult,
  UndecodableResult,
  WarmupResult,
  WorkerConfig,
  WorkerTask,
} from './inference.types';
import type { WorkerLoadMessage } from './inference.worker';
import type { HeatmapFormat } from './pipeline/postprocess';
import { type InferenceRun, RunSupervisor } from './run-supervisor';
import { TaskControl } from './task-control';
import { ThreadLoads } from './thread-loads';

export type { InferenceRun } from './run-supervisor';

type WorkerResult = DepthResult | UndecodableResult | WarmupResult | RenderResult | SelfCheckResult;

// Worker threads cannot load TypeScript, so even under ts-jest the pool runs
// the compiled worker; src/ and dist/ sit at the same depth below the root.
const WORKER_FILE = resolve(__dirname, '..', '..', 'dist', 'inference', 'inference.worker.js');

/** A fixed-size Piscina pool of inference workers, each with its own ONNX Runtime session. */
export class WorkerPool {
  private readonly logger = new Logger(WorkerPool.name);
  private readonly runs = new RunSupervisor(this.logger);
  private readonly pool: Piscina<WorkerTask, WorkerResult>;
  private readonly loads: ThreadLoads;
  /** For metrics: depth tasks on a thread now, and threads ever started. */
  private tasksInFlight = 0;
  private threadsStarted = 0;

  constructor(
    readonly size: number,
    workerData: WorkerConfig & { faultInjection: boolean },
  ) {
    this.pool = new Piscina<WorkerTask, WorkerResult>({
      filename: WORKER_FILE,
      minThreads: size,
      maxThreads: size,
      idleTimeout: Number.POSITIVE_INFINITY,
      // Piscina's default parks idle threads in a blocking Atomics.wait, which
      // would stall a replacement thread's model load until a task arrives.
      atomics: 'disabled',
      workerData,
    });
    this.pool.on('error', (error: Error) =>
      this.logger.error(`A worker thread failed: ${error.message}`),
    );
    this.loads = new ThreadLoads(this.pool, this.logger);
    this.pool.on('message', (message: WorkerLoadMessage) => this.loads.onLoad(message));
    this.pool.on('workerCreate', () => (this.threadsStarted += 1));
  }

  /** Threads whose session is loaded and warmed: a replacement counts only once it is. */
  get alive(): number {
    return this.loads.alive;
  }

  /** Threads running a depth task, including a cancelled one still winding down. */
  get busy(): number {
    return this.tasksInFlight;
  }

  /** Threads started to replace one that exited or was terminated. */
  get restarts(): number {
    return Math.max(0, this.threadsStarted - this.size);
  }

  /** Waits until every thread has loaded and warmed its session; returns the model's I/O. */
  async warmUp(): Promise<ModelIo> {
    const runs = Array.from({ length: this.size }, () => this.pool.run({ kind: 'warmup' }));
    const [first] = (await Promise.all(runs)) as WarmupResult[];
    await this.loads.settled();
    return first.io;
  }

  /** Runs the model once on the built-in golden image and checks what comes out. */
  async selfCheck(): Promise<SelfCheckResult> {
    return (await this.pool.run({ kind: 'selfcheck' })) as SelfCheckResult;
  }

  /**
   * A job that starts while nothing else runs may use every core; one that
   * starts beside others keeps to its share (measured in BENCHMARKS.md).
   * With several models' pools the caller knows best what "nothing else" is.
   */
  run(
    jobId: string,
    { bytes: image, upright }: ImageInput,
    format: HeatmapFormat,
    timeoutMs: number,
    solo = this.tasksInFlight === 0,
  ): InferenceRun {
    const control = new TaskControl();
    const terminate = new AbortController();
    const task = this.pool.run(
      { kind: 'depth', jobId, image, upright, format, solo, control: control.buffer },
      { signal: terminate.signal, transferList: [image.buffer as ArrayBuffer] },
    );
    const released = task.then(
      () => undefined,
      () => undefined,
    );
    this.tasksInFlight += 1;
    void released.then(() => (this.tasksInFlight -= 1));
    const depth = task as Promise<DepthResult | UndecodableResult>;
    return this.runs.supervise({ jobId, task: depth, released, control, terminate }, timeoutMs);
  }

  /** Renders stored depth in a worker; it queues behind running jobs, never beside the event loop. */
  async render(task: Omit<RenderTask, 'kind'>): Promise<Buffer> {
    const result = (await this.pool.run({ kind: 'render', ...task })) as RenderResult;
    return Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength);
  }

  /**
   * Lets running tasks finish, and first lets every thread finish loading:
   * a replacement thread warms its session inside ONNX Runtime, and closing
   * terminates threads, which would abort the process there.
   */
  async close(): Promise<void> {
    await this.loads.settled();
    await this.pool.close();
  }
}
