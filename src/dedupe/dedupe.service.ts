import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { InferenceService } from '../inference/inference.service';
import type { JobOrigin } from '../jobs/jobs.service';
import type { Job } from '../results/job.entity';
import { JobEvents } from '../results/job-events';
import { ResultsStore } from '../results/results.store';
import { contentDigest, dedupeKey } from './dedupe-key';
import { DedupeIndex } from './dedupe-index';

/**
 * Hands the job of an earlier upload of the same bytes, model and parameters
 * to a new upload: a done job within its TTL, or a queued or processing one
 * to coalesce onto. Failed and expired jobs are never handed out, so a retry
 * really runs again.
 */
@Injectable()
export class DedupeService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DedupeService.name);
  private readonly index = new DedupeIndex((job) => this.reusable(job));
  private detach: (() => void)[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly inference: InferenceService,
    private readonly store: ResultsStore,
    private readonly events: JobEvents,
  ) {}

  onModuleInit(): void {
    this.detach = [
      this.events.on('finished', (job) => {
        if (job.status === 'failed') this.index.forget(job.id);
      }),
      this.events.on('expired', (id) => this.index.forget(id)),
    ];
  }

  onApplicationShutdown(): void {
    this.detach.forEach((detach) => detach());
  }

  /** The key of these bytes under that model's file; none if DEDUPE is off or it is not loaded. */
  async keyFor(
    bytes: Uint8Array,
    modelId = this.inference.defaultModel,
  ): Promise<string | undefined> {
    const model = this.inference.modelStateOf(modelId).model?.sha256;
    if (!this.config.dedupe || model === undefined) return undefined;
    return dedupeKey(await contentDigest(bytes), { model });
  }

  find(key: string): Job | undefined {
    return this.index.find(key);
  }

  remember(key: string, job: Job): void {
    this.index.remember(key, job);
  }

  /** Gives an existing job to a new upload; a done job's TTL starts again from now. */
  reuse(job: Job, sinceMs: number, { subscriber, requestId }: JobOrigin = {}): void {
    job.reuse();
    const ms = Math.round(performance.now() - sinceMs);
    this.logger.log({
      msg: `Upload deduplicated onto job ${job.id} (${job.status}) in ${ms} ms.`,
      requestId,
    });
    this.events.emit('deduplicated', job, subscriber);
  }

  /** Keys currently held; never more than the jobs the store holds. */
  get size(): number {
    return this.index.size;
  }

  private reusable(job: Job): boolean {
    if (job.status === 'queued' || job.status === 'processing') return true;
    // peek applies the store's own TTL rule, so a job past it is not handed out before the sweep.
    const found = job.status === 'done' ? this.store.peek(job.id) : undefined;
    return found !== undefined && 'job' in found;
  }
}
