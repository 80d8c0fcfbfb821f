import type { FailureReason, JobCompletedEvent, JobStatusDto, JobTimings } from './contract';

export interface JobResult {
  resultUrl: string;
  width: number;
  height: number;
  depthMin: number;
  depthMax: number;
  timings: JobTimings;
}

/** One state change of a job, whether it came over the socket or from polling. */
export type JobUpdate =
  | { kind: 'queued'; position?: number }
  | { kind: 'processing' }
  | { kind: 'done'; result: JobResult }
  | { kind: 'failed'; reason: FailureReason; message: string }
  | { kind: 'gone'; code: 'not_found' | 'expired'; message: string };

/** Later states outrank earlier ones; an update never moves a job back. */
export const RANK: Record<JobUpdate['kind'], number> = {
  queued: 0,
  processing: 1,
  done: 2,
  failed: 2,
  gone: 2,
};
export const FINAL_RANK = 2;

export const fromCompleted = (e: JobCompletedEvent): JobUpdate => ({
  kind: 'done',
  result: {
    resultUrl: e.resultUrl,
    width: e.width,
    height: e.height,
    depthMin: e.depthMin,
    depthMax: e.depthMax,
    timings: e.timings,
  },
});

export function fromStatusDto(dto: JobStatusDto): JobUpdate {
  switch (dto.status) {
    case 'queued':
      return { kind: 'queued', position: dto.queuePosition };
    case 'processing':
      return { kind: 'processing' };
    case 'done':
      if (!dto.result || !dto.timings) {
        return { kind: 'failed', reason: 'internal', message: 'Done, but the result was missing.' };
      }
      return fromCompleted({
        id: dto.id,
        finishedAt: dto.finishedAt ?? '',
        timings: dto.timings,
        resultUrl: dto.result.url,
        width: dto.result.width,
        height: dto.result.height,
        depthMin: dto.result.depthMin,
        depthMax: dto.result.depthMax,
      });
    case 'failed':
      return {
        kind: 'failed',
        reason: dto.error?.reason ?? 'internal',
        message: dto.error?.message ?? 'The job failed.',
      };
    case 'expired':
      return { kind: 'gone', code: 'expired', message: 'The result has expired.' };
  }
}
