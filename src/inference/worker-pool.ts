import { Logger } from '@nestjs/common';
import { resolve } from 'node:path';
import Piscina from 'piscina';
import { ImageDecodeError } from './errors/image-decode.error';
import { InferenceTimeoutError } from './errors/inference-timeout.error';
import type {
  DepthResult,
  ModelIo,
  UndecodableResult,
  WarmupResult,
  WorkerConfig,
  WorkerTask,
} from './inference.types';
import type { HeatmapFormat } from './pipeline/postprocess';
import { Stage, TaskControl } from './task-control';

type WorkerResult = DepthResult | UndecodableResult | WarmupResult;

export interface InferenceRun {
  /** The depth result; rejects with InferenceTimeoutError at the deadline. */
  result: Promise<DepthResult>;
  /** Resolves once the thread is free again, which after a timeout can be later. */
  released: Promise<void>;
}

/** How long a cancelled task may take to reach a stage boundary before its thread is terminated. */
const REAP_GRACE_MS = 1000;

// Worker threads cannot load TypeScript, so even under ts-jest the pool runs
// the compiled worker; src/ and dist/ sit at the same depth below the root.
const WORKER_FILE = resolve(__dirname, '..', '..', 'dist', 'inference', 'inference.worker.js');

/** A fixed-size Piscina pool of inference workers, each with its own ONNX Runtime session. */
export class WorkerPool {
  private readonly logger = new Logger(WorkerPool.name);
  private readonly pool: Piscina<WorkerTask, WorkerResult>;

  constructor(
    readonly size: number,
    workerData: WorkerConfig,
  ) {
    this.pool = new Piscina<WorkerTask, WorkerResult>({
      filename: WORKER_FILE,
      minThreads: size,
      maxThreads: size,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData,
    });
    this.pool.on('error', (error: Error) =>
      this.logger.error(`A worker thread failed: ${error.message}`),
    );
  }

  get alive(): number {
    return this.pool.threads.length;
  }

  /** Waits until every thread has loaded and warmed its session; returns the model's I/O. */
  async warmUp(): Promise<ModelIo> {
    const runs = Array.from({ length: this.size }, () => this.pool.run({ kind: 'warmup' }));
    const [first] = (await Promise.all(runs)) as WarmupResult[];
    return first.io;
  }

  run(jobId: string, image: Uint8Array, format: HeatmapFormat, timeoutMs: number): InferenceRun {
    const control = new TaskControl();
    const terminate = new AbortController();
    const task = this.pool.run(
      { kind: 'depth', jobId, image, format, control: control.buffer },
      { signal: terminate.signal, transferList: [image.buffer as ArrayBuffer] },
    );
    const released = task.then(
      () => undefined,
      () => undefined,
    );
    const result = new Promise<DepthResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        control.cancel();
        reject(new InferenceTimeoutError(timeoutMs));
        this.reap(jobId, control, terminate, released);
      }, timeoutMs);
      task.then(
        (output) => {
          clearTimeout(timer);
          if (output.kind === 'undecodable') reject(new ImageDecodeError(output.message));
          else resolve(output as DepthResult);
        },
        (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
    return { result, released };
  }

  /** Lets running tasks finish: terminating a thread inside ONNX Runtime aborts the process. */
  close(): Promise<void> {
    return this.pool.close();
  }

  /**
   * After a timeout the worker stops at its next stage boundary. If it has
   * not within the grace period, its thread is terminated, but never while
   * inside ONNX Runtime, which would abort the whole process; inference on a
   * fixed-size tensor always returns, so that case only waits.
   */
  private reap(
    jobId: string,
    control: TaskControl,
    terminate: AbortController,
    released: Promise<void>,
  ): void {
    let settled = false;
    void released.then(() => (settled = true));
    const check = () => {
      if (settled) return;
      if (control.stage === Stage.Infer) {
        setTimeout(check, REAP_GRACE_MS).unref();
        return;
      }
      this.logger.warn(
        `Terminating the worker of timed-out job ${jobId} during ${Stage[control.stage]}.`,
      );
      terminate.abort();
    };
    setTimeout(check, REAP_GRACE_MS).unref();
  }
}
