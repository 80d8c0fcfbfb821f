import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { resolve } from 'node:path';
import Piscina from 'piscina';
import { AppConfig } from '../config/app-config';
import { ModelNotReadyError } from './errors/model-not-ready.error';
import type { DepthResult, ModelIo, WarmupResult, WorkerConfig, WorkerTask } from './inference.types';
import { resolveModel, ResolvedModel } from './model/model-resolver';
import type { HeatmapFormat } from './pipeline/postprocess';

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
  private pool?: Piscina<WorkerTask, DepthResult | WarmupResult>;
  private state: ModelState = { phase: 'resolving', detail: 'Looking for the model file.' };

  constructor(private readonly config: AppConfig) {}

  /** Not awaited: the HTTP server answers liveness while the model downloads or loads. */
  onApplicationBootstrap(): void {
    void this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.destroy();
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
      failed ? `The depth model is not available. ${this.state.detail}` : `The depth model is still starting: ${this.state.detail}`,
      failed ? 60 : 5,
    );
  }

  async run(jobId: string, image: Uint8Array, format: HeatmapFormat, signal: AbortSignal): Promise<DepthResult> {
    if (!this.pool || !this.ready) this.assertReady();
    const task: WorkerTask = { kind: 'depth', jobId, image, format };
    const result = await this.pool!.run(task, { signal, transferList: [image.buffer as ArrayBuffer] });
    return result as DepthResult;
  }

  private async start(): Promise<void> {
    const started = Date.now();
    try {
      const model = await resolveModel(this.config.model, (phase, detail) => {
        this.state = { phase, detail: `Downloading the model (${detail}).` };
      });
      this.state = { phase: 'loading', detail: `Loading ${model.name} into ${this.config.workers} workers.`, model };
      this.logger.log(`Using model ${model.name} from ${model.source}: ${model.path} (sha256 ${model.sha256}).`);
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
      this.logger.error(`The model could not be loaded; the service stays up but not ready. ${detail}`);
      await this.pool?.destroy();
      this.pool = undefined;
    }
  }

  private createPool(modelPath: string): Piscina<WorkerTask, DepthResult | WarmupResult> {
    const workerData: WorkerConfig = {
      modelPath,
      intraOpThreads: this.config.intraOpThreads,
      contract: this.config.model.contract,
      maxInputPixels: this.config.maxInputPixels,
    };
    const pool = new Piscina<WorkerTask, DepthResult | WarmupResult>({
      filename: WORKER_FILE,
      minThreads: this.config.workers,
      maxThreads: this.config.workers,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData,
    });
    pool.on('error', (error: Error) => this.logger.error(`A worker thread failed: ${error.message}`));
    return pool;
  }
}
