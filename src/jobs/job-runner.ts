import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import type { InferenceService } from '../inference/inference.service';
import type { DepthResult, ImageInput } from '../inference/inference.types';
import type { InferenceRun } from '../inference/worker-pool';
import type { FailureReason, Job, JobOutput } from '../results/job.entity';
import type { JobEvents } from '../results/job-events';
import type { ResultsStore } from '../results/results.store';
import { classifyFailure } from './job-classifier';

/**
 * Runs one job on the worker pool and brings it to its final state: outputs
 * saved (readable at once, written to disk behind; see ResultFiles.save),
 * then done (or failed), with its events. The worker slot is given back as
 * soon as the thread is free, so the next job never waits on this one's files.
 */
export class JobRunner {
  private readonly logger = new Logger(JobRunner.name);
  /** Runs whose result is still awaited, by job id, so a shutdown deadline can cancel them. */
  private readonly inFlight = new Map<string, InferenceRun>();
  /** Jobs between their start and their final state, slot freed or not. */
  private readonly unsettled = new Set<Promise<void>>();
  /** Smoothed job duration, for an honest Retry-After. */
  averageJobMs = 1000;

  constructor(
    private readonly config: AppConfig,
    private readonly inference: InferenceService,
    private readonly store: ResultsStore,
    private readonly events: JobEvents,
  ) {}

  get running(): number {
    return this.inFlight.size;
  }

  /**
   * Starts the job; the returned promise settles when its worker thread is
   * free again, which after a timeout is later than the job's end. The job
   * reaches its final state on its own (see `settled`).
   */
  start(job: Job, image: ImageInput): Promise<void> {
    job.start();
    let run: InferenceRun;
    try {
      // The worker gets the job before the log line and the event are written, off its
      // latency; its result cannot arrive before this turn ends, so "started" still comes first.
      run = this.inference.run(
        job.id,
        image,
        job.preferredFormat,
        this.config.jobTimeoutMs,
        job.model,
      );
    } catch (error) {
      this.announceStart(job);
      const { reason, message } = classifyFailure(error);
      this.fail(job, reason, message);
      return Promise.resolve();
    }
    this.announceStart(job);
    this.inFlight.set(job.id, run);
    const result = run.result.finally(() => this.inFlight.delete(job.id));
    this.settle(job, result);
    return run.released;
  }

  /** Every started job is in its final state. */
  async settled(): Promise<void> {
    while (this.unsettled.size > 0) await Promise.all(this.unsettled);
  }

  cancelAll(reason: Error): void {
    for (const run of this.inFlight.values()) run.cancel(reason);
  }

  fail(job: Job, reason: FailureReason, message: string): void {
    job.fail(reason, message);
    this.logger.warn({
      msg: `Job ${job.id} failed (${reason}) after ${job.timings?.totalMs} ms: ${message}`,
      requestId: job.requestId,
    });
    this.events.emit('finished', job);
  }

  private announceStart(job: Job): void {
    this.logger.log({
      msg: `Job ${job.id} started after ${job.startedAt! - job.createdAt} ms in the queue.`,
      requestId: job.requestId,
    });
    this.events.emit('started', job);
  }

  private settle(job: Job, result: Promise<DepthResult>): void {
    const outcome = this.complete(job, result).finally(() => {
      this.unsettled.delete(outcome);
      const ranMs = Date.now() - (job.startedAt ?? Date.now());
      this.averageJobMs = 0.8 * this.averageJobMs + 0.2 * ranMs;
    });
    this.unsettled.add(outcome);
  }

  private async complete(job: Job, pending: Promise<DepthResult>): Promise<void> {
    try {
      const result = await pending;
      await this.store.saveOutput(job, result);
      job.complete(outputOf(result, job.model ?? this.inference.defaultModel), result.timings);
      // The event before the log line: the waiting client's latency does not include the write.
      this.events.emit('finished', job);
      const t = job.timings!;
      this.logger.log({
        msg:
          `Job ${job.id} done in ${t.totalMs} ms (queue ${t.queueMs} ms, decode ${t.decodeMs} ms, ` +
          `inference ${t.inferenceMs} ms on ${result.threads} threads, postprocess ${t.postprocessMs} ms).`,
        requestId: job.requestId,
      });
    } catch (error) {
      const { reason, message } = classifyFailure(error);
      this.fail(job, reason, message);
    }
  }
}

/** What the job keeps of a worker's result; the large buffers go to disk. */
function outputOf(result: DepthResult, model: string): JobOutput {
  const { format, width, height, depthWidth, depthHeight, depthMin, depthMax, upsampling } = result;
  return { model, upsampling, format, width, height, depthWidth, depthHeight, depthMin, depthMax };
}
