/*
 * Plain types of a job's public state. They import nothing, so the browser
 * client can share them with the server.
 */

export type JobStatus = 'queued' | 'processing' | 'done' | 'failed' | 'expired';
export type FailureReason = 'timeout' | 'invalid_image' | 'worker_error' | 'shutdown' | 'internal';

/** Where a worker spent its time on one image. */
export interface StageTimings {
  decodeMs: number;
  inferenceMs: number;
  postprocessMs: number;
}

/** Whole milliseconds; the stage split is present only for jobs that reached the end. */
export interface JobTimings extends Partial<StageTimings> {
  queueMs: number;
  inferenceMs: number;
  totalMs: number;
}
