import { randomUUID } from 'node:crypto';
import type { UpsamplingKernel } from '../inference/model/model-catalog';
import type { HeatmapFormat } from '../inference/pipeline/postprocess';
import type { FailureReason, JobStatus, JobTimings, StageTimings } from './job.types';

export type { FailureReason, JobStatus, JobTimings, StageTimings } from './job.types';

const TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['processing', 'failed'],
  processing: ['done', 'failed'],
  done: ['expired'],
  failed: ['expired'],
  expired: [],
};

export interface JobOutput {
  /** Catalog id of the model that computed the depth. */
  model: string;
  /** The kernel that model declares for upsampling its depth; every later rendering uses the same. */
  upsampling: UpsamplingKernel;
  format: HeatmapFormat;
  width: number;
  height: number;
  depthWidth: number;
  depthHeight: number;
  /** Min-max of the depth at the photo's size. */
  depthMin: number;
  depthMax: number;
}

export class IllegalTransitionError extends Error {
  constructor(id: string, from: JobStatus, to: JobStatus) {
    super(`Job ${id} cannot go from ${from} to ${to}.`);
    this.name = 'IllegalTransitionError';
  }
}

/** One depth request and its lifecycle: queued -> processing -> done | failed -> expired. */
export class Job {
  readonly id = randomUUID();
  status: JobStatus = 'queued';
  startedAt?: number;
  finishedAt?: number;
  output?: JobOutput;
  timings?: JobTimings;
  failure?: { reason: FailureReason; message: string };
  /** When a deduplicated upload last got this job; a finished job's TTL runs from then if later. */
  reusedAt?: number;

  constructor(
    /** The format the uploader will most likely ask for; encoded by the worker. */
    readonly preferredFormat: HeatmapFormat,
    readonly createdAt = Date.now(),
    /** The HTTP request that created it, so the job's log lines can name it. */
    readonly requestId?: string,
    /** Catalog id of the model it runs on; undefined means the default model. */
    readonly model?: string,
  ) {}

  get finished(): boolean {
    return this.status === 'done' || this.status === 'failed';
  }

  start(now = Date.now()): void {
    this.moveTo('processing');
    this.startedAt = now;
  }

  complete(output: JobOutput, stages: StageTimings, now = Date.now()): void {
    this.moveTo('done');
    this.output = output;
    this.finish(now, stages);
  }

  fail(reason: FailureReason, message: string, now = Date.now()): void {
    this.moveTo('failed');
    this.failure = { reason, message };
    this.finish(now);
  }

  expire(): void {
    this.moveTo('expired');
  }

  /** Handed to another upload of the same image: its result stays a full TTL from now. */
  reuse(now = Date.now()): void {
    this.reusedAt = now;
  }

  /** True once a finished job has outlived its TTL, counted from its finish or its last reuse. */
  isPastTtl(ttlMs: number, now = Date.now()): boolean {
    if (this.finishedAt === undefined) return false;
    return now - Math.max(this.finishedAt, this.reusedAt ?? 0) >= ttlMs;
  }

  private finish(now: number, stages?: StageTimings): void {
    this.finishedAt = now;
    const startedAt = this.startedAt ?? now;
    this.timings = {
      queueMs: startedAt - this.createdAt,
      decodeMs: stages && Math.round(stages.decodeMs),
      inferenceMs: stages ? Math.round(stages.inferenceMs) : 0,
      postprocessMs: stages && Math.round(stages.postprocessMs),
      totalMs: now - this.createdAt,
    };
  }

  private moveTo(next: JobStatus): void {
    if (!TRANSITIONS[this.status].includes(next)) {
      throw new IllegalTransitionError(this.id, this.status, next);
    }
    this.status = next;
  }
}
