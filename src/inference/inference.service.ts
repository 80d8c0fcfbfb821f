import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ModelNotReadyError } from './errors/model-not-ready.error';
import { UnknownModelError } from './errors/unknown-model.error';
import type { ImageInput, RenderTask } from './inference.types';
import { ModelSlot, ModelState } from './model-slot';
import type { HeatmapFormat } from './pipeline/postprocess';
import type { InferenceRun, WorkerPool } from './worker-pool';

export type { ModelPhase, ModelState } from './model-slot';

/**
 * Loads every configured model (each in its own slot and worker pool), picks
 * the one a request names, and says whether it can take work. The service is
 * ready when the default model is.
 */
@Injectable()
export class InferenceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InferenceService.name);
  private readonly slots: ReadonlyMap<string, ModelSlot>;

  constructor(private readonly config: AppConfig) {
    // Readiness is logged here, where operators have always found it.
    const announce = (line: string) => this.logger.log(line);
    this.slots = new Map(
      config.models.map((model) => [model.id, new ModelSlot(model, config, announce)]),
    );
  }

  /** Not awaited: the HTTP server answers liveness while the models download or load. */
  onApplicationBootstrap(): void {
    if (this.config.faultInjection) {
      this.logger.warn('FAULT_INJECTION is on: uploads can crash or hang workers. Test use only.');
    }
    for (const slot of this.slots.values()) void slot.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.slots.values()].map((slot) => slot.close()));
  }

  get defaultModel(): string {
    return this.config.model.id;
  }

  /** Every loaded model's slot, in MODELS order. */
  get models(): readonly ModelSlot[] {
    return [...this.slots.values()];
  }

  /** The default model's state; see modelStateOf for the others. */
  get modelState(): Readonly<ModelState> {
    return this.slot(this.defaultModel).state;
  }

  modelStateOf(id: string): Readonly<ModelState> {
    return this.slot(id).state;
  }

  get ready(): boolean {
    return this.slot(this.defaultModel).ready !== undefined;
  }

  /** The default model's pool: the one readiness follows. */
  get workers(): { count: number; alive: number } {
    return { count: this.config.workers, alive: this.slot(this.defaultModel).alive };
  }

  /** For metrics: threads running a task now, and threads replaced, over every model's pool. */
  get workerActivity(): { busy: number; restarts: number } {
    const sum = (of: (slot: ModelSlot) => number) =>
      this.models.reduce((total, slot) => total + of(slot), 0);
    return { busy: sum((slot) => slot.busy), restarts: sum((slot) => slot.restarts) };
  }

  /** The id a request gets: the one it names, or the default; unknown ids are a 400. */
  selectModel(requested?: string): string {
    if (requested === undefined || requested === '') return this.defaultModel;
    if (!this.slots.has(requested)) throw new UnknownModelError(requested, [...this.slots.keys()]);
    return requested;
  }

  assertReady(id = this.defaultModel): void {
    this.readyPool(id);
  }

  run(
    jobId: string,
    image: ImageInput,
    format: HeatmapFormat,
    timeoutMs: number,
    modelId = this.defaultModel,
  ): InferenceRun {
    const pool = this.readyPool(modelId);
    // A job may use every core only if no job of any model is running.
    const solo = this.workerActivity.busy === 0;
    return pool.run(jobId, image, format, timeoutMs, solo);
  }

  /** Another colormap or format of a finished job, rendered by any ready model's worker. */
  render(task: Omit<RenderTask, 'kind'>): Promise<Buffer> {
    const ready = this.models.find((slot) => slot.ready)?.ready;
    return (ready ?? this.readyPool(this.defaultModel)).render(task);
  }

  private slot(id: string): ModelSlot {
    const slot = this.slots.get(id);
    if (!slot) throw new UnknownModelError(id, [...this.slots.keys()]);
    return slot;
  }

  private readyPool(id: string): WorkerPool {
    const slot = this.slot(id);
    if (slot.ready) return slot.ready;
    const { phase, detail } = slot.state;
    // The single-model wording is kept for the default model; others are named.
    const name = id === this.defaultModel ? 'The depth model' : `The model ${id}`;
    if (phase === 'failed') {
      throw new ModelNotReadyError(`${name} is not available. ${detail}`, 60);
    }
    throw new ModelNotReadyError(`${name} is still starting: ${detail}`, 5);
  }
}
