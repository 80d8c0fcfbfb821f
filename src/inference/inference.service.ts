import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { resolve } from 'node:path';
import Piscina from 'piscina';
import { AppConfig } from '../config/app-config';
import { ModelNotReadyError } from './errors/model-not-ready.error';
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
import { resolveModel, ResolvedModel } from './model/model-resolver';
import type { HeatmapFormat } from './pipeline/postprocess';
import { Stage, TaskControl } from './task-control';

type WorkerResult = DepthResult | UndecodableResult | WarmupResult;

export interface InferenceRun {
  result: Promise<DepthResult>;
  released: Promise<void>;
}

/** How long a cancelled task may take to reach a stage boundary before its thread is terminated. */
const REAP_GRACE_MS = 1000;

// Worker threads cannot load TypeScript, so even under ts-jest the pool runs
// the compiled worker; src/ and dist/ sit at the same depth below the root.
const WORKER_FILE = resolve(__dirname, '..', '..', 'dist', 'inference', 'inference.worker.js');

export type ModelPhase = 'resolving' | 'downloading' | 'loading' | 'ready' | 'failed';

export interface ModelState {
  phase: ModelPhase;
  detail: string;
  model?: ResolvedModel;
  io?: ModelIo;
}

/** Owns the worker pool: one ONNX Runtime session per thread, sized from config. */
@Injectable()
export class InferenceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InferenceService.name);
  private pool?: Piscina<WorkerTask, WorkerResult>;
  private state: ModelState = { phase: 'resolving', detail: 'Looking for the model file.' };

  constructor(private readonly config: AppConfig) {}

  /** Not awaited: the HTTP server answers liveness while the model downloads or loads. */
  onApplicationBootstrap(): void {
    void this.start();
  }

  /** Lets running tasks finish: terminating a thread inside ONNX Runtime aborts the process. */
  async onApplicationShutdown(): Promise<void> {
    await this.pool?.close();
  }

  get modelState(): Readonly<ModelState> {
    return this.state;
  }

  get ready(): boolean {
    return this.state.phase === 'ready';
  }

  get workers(): { count: number; alive: number } {
    return { count: this.config.workers, alive: this.pool?.threads.length ?? 0 };
  }

  assertReady(): void {
    if (this.ready) return;
    const failed = this.state.phase === 'failed';
    throw new ModelNotReadyError(
      failed
        ? `The depth model is not available. ${this.state.detail}`
        : `The depth model is still starting: ${this.state.detail}`,
      failed ? 60 : 5,
    );
  }

  /**
   * Runs one image through a worker. The result rejects with
   * InferenceTimeoutError at the deadline; `released` resolves only when the
   * thread is free again, which after a timeout can be later.
   */
  run(jobId: string, image: Uint8Array, format: HeatmapFormat, timeoutMs: number): InferenceRun {
    this.assertReady();
    const control = new TaskControl();
    const terminate = new AbortController();
    const task = this.pool!.run(
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

  /**
   * After a timeout the worker stops at its next stage boundary. If it has
   * not within the grace period, its thread is terminated, but never while
   * inside ONNX Runtime, which would abort the process; inference on a
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

  private async start(): Promise<void> {
    const started = Date.now();
    try {
      const model = await resolveModel(this.config.model, (phase, detail) => {
        this.state = { phase, detail: `Downloading the model (${detail}).` };
      });
      this.state = {
        phase: 'loading',
        detail: `Loading ${model.name} into ${this.config.workers} workers.`,
        model,
      };
      this.logger.log(
        `Using model ${model.name} from ${model.source}: ${model.path} (sha256 ${model.sha256}).`,
      );
      this.pool = this.createPool(model.path);
      const warm = await Promise.all(
        Array.from({ length: this.config.workers }, () => this.pool!.run({ kind: 'warmup' })),
      );
      const io = (warm[0] as WarmupResult).io;
      this.state = { phase: 'ready', detail: 'Ready.', model, io };
      this.logger.log(
        `Inference ready in ${Date.now() - started} ms: ${this.config.workers} workers x ` +
          `${this.config.intraOpThreads} intra-op threads, input "${io.inputName}" ${io.inputWidth}x${io.inputHeight}, output "${io.outputName}".`,
      );
    } catch (error) {
      const { model } = this.state;
      const detail = model
        ? `ONNX Runtime could not load ${model.path}: ${(error as Error).message}. ` +
          'Replace the file with a valid ONNX model, or set MODEL_PATH to one.'
        : (error as Error).message;
      this.state = { ...this.state, phase: 'failed', detail };
      this.logger.error(
        `The model could not be loaded; the service stays up but not ready. ${detail}`,
      );
      await this.pool?.close();
      this.pool = undefined;
    }
  }

  private createPool(modelPath: string): Piscina<WorkerTask, WorkerResult> {
    const workerData: WorkerConfig = {
      modelPath,
      intraOpThreads: this.config.intraOpThreads,
      contract: this.config.model.contract,
      maxInputPixels: this.config.maxInputPixels,
    };
    const pool = new Piscina<WorkerTask, WorkerResult>({
      filename: WORKER_FILE,
      minThreads: this.config.workers,
      maxThreads: this.config.workers,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData,
    });
    pool.on('error', (error: Error) =>
      this.logger.error(`A worker thread failed: ${error.message}`),
    );
    return pool;
  }
}
