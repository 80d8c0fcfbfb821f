import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ModelNotReadyError } from './errors/model-not-ready.error';
import type { ModelIo, RenderTask } from './inference.types';
import { resolveModel, ResolvedModel } from './model/model-resolver';
import type { HeatmapFormat } from './pipeline/postprocess';
import { workerConfigFor } from './worker-config';
import { InferenceRun, WorkerPool } from './worker-pool';

export type ModelPhase = 'resolving' | 'downloading' | 'loading' | 'ready' | 'failed';

export interface ModelState {
  phase: ModelPhase;
  detail: string;
  model?: ResolvedModel;
  io?: ModelIo;
}

/** Finds the model, starts the worker pool sized from config, and says whether it can take work. */
@Injectable()
export class InferenceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InferenceService.name);
  private pool?: WorkerPool;
  private state: ModelState = { phase: 'resolving', detail: 'Looking for the model file.' };
  private failures = 0;
  private retry?: NodeJS.Timeout;

  constructor(private readonly config: AppConfig) {}

  /** Not awaited: the HTTP server answers liveness while the model downloads or loads. */
  onApplicationBootstrap(): void {
    if (this.config.faultInjection) {
      this.logger.warn('FAULT_INJECTION is on: uploads can crash or hang workers. Test use only.');
    }
    void this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.retry);
    await this.pool?.close();
  }

  get modelState(): Readonly<ModelState> {
    return this.state;
  }

  get ready(): boolean {
    return this.state.phase === 'ready';
  }

  get workers(): { count: number; alive: number } {
    return { count: this.config.workers, alive: this.pool?.alive ?? 0 };
  }

  /** For metrics: threads running a task now, and threads replaced since the pool started. */
  get workerActivity(): { busy: number; restarts: number } {
    return { busy: this.pool?.busy ?? 0, restarts: this.pool?.restarts ?? 0 };
  }

  assertReady(): void {
    if (this.ready) return;
    if (this.state.phase === 'failed') {
      throw new ModelNotReadyError(`The depth model is not available. ${this.state.detail}`, 60);
    }
    throw new ModelNotReadyError(`The depth model is still starting: ${this.state.detail}`, 5);
  }

  run(jobId: string, image: Uint8Array, format: HeatmapFormat, timeoutMs: number): InferenceRun {
    this.assertReady();
    return this.pool!.run(jobId, image, format, timeoutMs);
  }

  /** Another colormap or format of a finished job, rendered by a worker from its stored depth. */
  render(task: Omit<RenderTask, 'kind'>): Promise<Buffer> {
    this.assertReady();
    return this.pool!.render(task);
  }

  private async start(): Promise<void> {
    const started = Date.now();
    const { workers, intraOpThreads } = this.config;
    this.state = { phase: 'resolving', detail: 'Looking for the model file.' };
    try {
      const model = await resolveModel(this.config.model, (phase, detail) => {
        this.state = { phase, detail: `Downloading the model (${detail}).` };
      });
      this.state = {
        phase: 'loading',
        detail: `Loading ${model.name} into ${workers} workers.`,
        model,
      };
      this.logger.log(
        `Using model ${model.name} from ${model.source}: ${model.path} (sha256 ${model.sha256}).`,
      );
      this.pool = new WorkerPool(workers, workerConfigFor(this.config, model.path));
      const io = await this.pool.warmUp();
      this.state = { phase: 'ready', detail: 'Ready.', model, io };
      this.failures = 0;
      this.logger.log(
        `Inference ready in ${Date.now() - started} ms: ${workers} workers x ${intraOpThreads} intra-op threads ` +
          `(${this.config.soloIntraOpThreads} for a job running alone), ` +
          `input "${io.inputName}" ${io.inputWidth}x${io.inputHeight}, output "${io.outputName}".`,
      );
    } catch (error) {
      const { model } = this.state;
      const detail = model
        ? `ONNX Runtime could not load ${model.path}: ${(error as Error).message}. ` +
          'Replace the file with a valid ONNX model, or set MODEL_PATH to one.'
        : (error as Error).message;
      await this.pool?.close();
      this.pool = undefined;
      this.scheduleRetry(detail);
    }
  }

  /**
   * Stays up and tries again with backoff, so a model file put in place (or
   * a network that comes back) is picked up without a restart.
   */
  private scheduleRetry(detail: string): void {
    const delay = this.config.model.retrySeconds * Math.min(2 ** this.failures, 10);
    this.failures += 1;
    this.state = { ...this.state, phase: 'failed', detail: `${detail} Retrying in ${delay} s.` };
    this.logger.error(
      `The model could not be loaded; the service stays up but not ready. ${detail}`,
    );
    this.retry = setTimeout(() => void this.start(), delay * 1000);
    this.retry.unref();
  }
}
