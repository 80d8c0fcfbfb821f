import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { InferenceService } from '../inference/inference.service';
import type { ImageInput } from '../inference/inference.types';
import type { HeatmapFormat } from '../inference/pipeline/postprocess';
import type { RenderSpec } from '../inference/pipeline/render-spec';
import { Job } from '../results/job.entity';
import { JobEvents } from '../results/job-events';
import { isJobId } from '../results/result-files';
import type { RenderedResult } from '../results/rendered-result';
import { ResultsStore } from '../results/results.store';
import {
  JobExpiredError,
  JobFailedError,
  JobNotFoundError,
  QueueFullError,
  ShuttingDownError,
} from './errors/job.errors';
import { ShutdownDeadlineError } from './errors/shutdown-deadline.error';
import { JobRunner } from './job-runner';
import { JobScheduler } from './job-scheduler';

/** Who a job is for: the socket to subscribe, the model, the request to log it under. */
export interface JobOrigin {
  subscriber?: string;
  model?: string;
  requestId?: string;
}

/**
 * Admission, lookup and the shutdown drain. At most QUEUE_MAX jobs are
 * queued or running; the queue and its dispatch are JobScheduler's.
 */
@Injectable()
export class JobsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(JobsService.name);
  private draining = false;
  private readonly runner: JobRunner;
  private readonly scheduler: JobScheduler;

  constructor(
    private readonly config: AppConfig,
    private readonly inference: InferenceService,
    private readonly store: ResultsStore,
    private readonly events: JobEvents,
  ) {
    this.runner = new JobRunner(config, inference, store, events);
    this.scheduler = new JobScheduler(config.workers, this.runner, events);
  }

  /** Queued plus running jobs. */
  get depth(): number {
    return this.scheduler.depth;
  }

  get capacity(): number {
    return this.config.queueMax;
  }

  /** False from the moment shutdown begins; readiness reports it. */
  get accepting(): boolean {
    return !this.draining;
  }

  /**
   * Throws the 400 or 503 an upload would get right now for that model (the
   * default when none is named); cheap enough to call before reading a body.
   */
  assertAccepting(model?: string): void {
    if (this.draining) throw new ShuttingDownError();
    this.inference.assertReady(this.inference.selectModel(model));
    if (this.depth >= this.config.queueMax) {
      throw new QueueFullError(this.config.queueMax, this.retryAfterSeconds());
    }
  }

  /** Admits a job; a subscriber socket id is subscribed before the job is announced. */
  submit(image: ImageInput, preferredFormat: HeatmapFormat, origin: JobOrigin = {}): Job {
    const { subscriber, model, requestId } = origin;
    this.assertAccepting(model);
    const id = this.inference.selectModel(model);
    const job = new Job(preferredFormat, Date.now(), requestId, id);
    this.store.add(job);
    const position = this.scheduler.enqueue(job, image);
    this.logger.log({
      msg: `Job ${job.id} queued at position ${position} for model ${id} (${image.bytes.length} bytes).`,
      requestId,
    });
    this.events.emit('queued', job, position, subscriber);
    this.scheduler.dispatch();
    return job;
  }

  /** The job, or a 404/410 domain error. Malformed ids never reach the store or the disk. */
  async find(id: string): Promise<Job> {
    // lookup also expires a job past its TTL and deletes its files; current then reads the outcome.
    if (isJobId(id)) await this.store.lookup(id);
    return this.current(id);
  }

  /**
   * The job as it is now, found synchronously so that a caller can read its
   * state and act on it (e.g. join its room) before any later event fires.
   */
  current(id: string): Job {
    if (!isJobId(id)) throw new JobNotFoundError('Job not found.');
    const found = this.store.peek(id);
    if (!found) throw new JobNotFoundError(`Job ${id} not found.`);
    if ('expired' in found) throw new JobExpiredError(id);
    return found.job;
  }

  /**
   * One rendering of a finished job (any format, from its files or made in a
   * worker), or null while it is pending; a failed job throws why.
   */
  async render(job: Job, spec: RenderSpec): Promise<RenderedResult | null> {
    if (job.status === 'failed' && job.failure) {
      throw new JobFailedError(job.failure.reason, job.failure.message);
    }
    return job.status === 'done' ? this.store.render(job, spec) : null;
  }

  /** 1-based position among queued jobs, or undefined once it has started. */
  positionOf(job: Job): number | undefined {
    return this.scheduler.positionOf(job);
  }

  /**
   * On shutdown (before the HTTP server closes, so results and final events
   * still reach clients): stop admitting, and let queued and running jobs
   * finish within SHUTDOWN_GRACE_MS. At the deadline the queue is failed and
   * running jobs are cancelled with reason shutdown; their threads are then
   * awaited, never terminated inside ONNX Runtime (which aborts the process).
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    const graceMs = this.config.shutdownGraceMs;
    this.logger.log(
      `Shutting down: draining ${this.scheduler.queued} queued and ${this.scheduler.runningCount} running jobs ` +
        `within ${graceMs} ms.`,
    );
    const started = Date.now();
    const deadline = setTimeout(() => this.abandon(graceMs), graceMs);
    try {
      await this.scheduler.drain();
    } finally {
      clearTimeout(deadline);
    }
    this.logger.log(`Drained every job in ${Date.now() - started} ms.`);
  }

  private abandon(graceMs: number): void {
    this.logger.warn(
      `Shutdown grace of ${graceMs} ms is over: failing ${this.scheduler.queued} queued and ` +
        `cancelling ${this.runner.running} running jobs.`,
    );
    this.scheduler.abandon(new ShutdownDeadlineError(graceMs));
  }

  private retryAfterSeconds(): number {
    const drainMs = (this.depth * this.runner.averageJobMs) / this.config.workers;
    return Math.min(60, Math.max(1, Math.ceil(drainMs / 1000)));
  }
}
