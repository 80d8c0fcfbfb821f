import { Logger } from '@nestjs/common';
import type { AppConfig, ModelConfig } from '../config/app-config';
import type { ModelIo } from './inference.types';
import { resolveModel, ResolvedModel } from './model/model-resolver';
import { workerConfigFor } from './worker-config';
import { WorkerPool } from './worker-pool';

export type ModelPhase = 'resolving' | 'downloading' | 'loading' | 'ready' | 'failed';

export interface ModelState {
  phase: ModelPhase;
  detail: string;
  model?: ResolvedModel;
  io?: ModelIo;
}

/** A model whose file loads but whose output fails a readiness check; the message names it. */
class SelfCheckFailedError extends Error {}

/**
 * One loaded model: finds its file, starts its own worker pool, warms it,
 * runs the readiness self-check, and retries with backoff on failure. Each
 * model has its own slot, so one model's download or failure never holds up
 * another's.
 */
export class ModelSlot {
  private readonly logger = new Logger(ModelSlot.name);
  private current: ModelState = { phase: 'resolving', detail: 'Looking for the model file.' };
  private pool?: WorkerPool;
  private failures = 0;
  private retry?: NodeJS.Timeout;

  constructor(
    readonly config: ModelConfig,
    private readonly app: AppConfig,
    /** Told, as a log sentence, each time the model becomes ready. */
    private readonly announceReady: (line: string) => void,
  ) {}

  get id(): string {
    return this.config.id;
  }

  get state(): Readonly<ModelState> {
    return this.current;
  }

  /** The pool, only while the model is ready to take jobs. */
  get ready(): WorkerPool | undefined {
    return this.current.phase === 'ready' ? this.pool : undefined;
  }

  get alive(): number {
    return this.pool?.alive ?? 0;
  }

  get busy(): number {
    return this.pool?.busy ?? 0;
  }

  get restarts(): number {
    return this.pool?.restarts ?? 0;
  }

  async close(): Promise<void> {
    clearTimeout(this.retry);
    await this.pool?.close();
  }

  async start(): Promise<void> {
    const started = Date.now();
    const { workers, intraOpThreads } = this.app;
    const id = this.config.id;
    this.current = { phase: 'resolving', detail: 'Looking for the model file.' };
    try {
      const model = await resolveModel(this.config, (phase, detail) => {
        this.current = { phase, detail: `Downloading the model (${detail}).` };
      });
      this.current = {
        phase: 'loading',
        detail: `Loading ${model.name} into ${workers} workers.`,
        model,
      };
      this.logger.log(
        `Using model ${id} (${model.name}) from ${model.source}: ${model.path} (sha256 ${model.sha256}).`,
      );
      this.pool = new WorkerPool(workers, workerConfigFor(this.app, this.config, model.path));
      const io = await this.pool.warmUp();
      const check = await this.pool.selfCheck();
      if (check.problem) {
        throw new SelfCheckFailedError(
          `Model ${id} failed its readiness self-check on the built-in gradient image ` +
            `(fed ${check.inputWidth}x${check.inputHeight}): ${check.problem}. ` +
            'The file loads but does not compute a usable depth map; replace it.',
        );
      }
      this.current = { phase: 'ready', detail: 'Ready.', model, io };
      this.failures = 0;
      const ms = Date.now() - started;
      this.announceReady(
        `Inference ready in ${ms} ms for model ${id}: ${workers} workers x ${intraOpThreads} ` +
          `intra-op threads (${this.app.soloIntraOpThreads} for a job running alone), ` +
          `input "${io.inputName}" ${io.inputWidth ?? 'W'}x${io.inputHeight ?? 'H'}, ` +
          `output "${io.outputName}"; self-check passed in ${Math.round(check.ms)} ms ` +
          `at ${check.inputWidth}x${check.inputHeight}.`,
      );
    } catch (error) {
      const { model } = this.current;
      const message = (error as Error).message;
      const detail =
        error instanceof SelfCheckFailedError || !model
          ? message
          : `ONNX Runtime could not load ${model.path}: ${message}. ` +
            'Replace the file with a valid ONNX model, or set MODEL_PATH to one.';
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
    const delay = this.config.retrySeconds * Math.min(2 ** this.failures, 10);
    this.failures += 1;
    this.current = {
      ...this.current,
      phase: 'failed',
      detail: `${detail} Retrying in ${delay} s.`,
    };
    this.logger.error(
      `The model could not be loaded; ${this.config.id} is unavailable and the service stays up. ${detail}`,
    );
    this.retry = setTimeout(() => void this.start(), delay * 1000);
    this.retry.unref();
  }
}
