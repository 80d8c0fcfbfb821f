import type { FailureReason, Job, JobStatus, JobTimings } from '../../results/job.entity';

/** GET /api/v1/depth/:id */
export interface JobStatusDto {
  id: string;
  status: JobStatus;
  /** 1 = next to start; present only while queued. */
  queuePosition?: number;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  timings?: JobTimings;
  error?: { reason: FailureReason; message: string };
  result?: {
    url: string;
    width: number;
    height: number;
    /** Range of the raw relative inverse depth before normalisation. */
    depthMin: number;
    depthMax: number;
  };
}

export function jobUrls(id: string) {
  return { statusUrl: `/api/v1/depth/${id}`, resultUrl: `/api/v1/depth/${id}/result` };
}

export function toJobStatusDto(job: Job, queuePosition?: number): JobStatusDto {
  const iso = (ms?: number) => (ms === undefined ? undefined : new Date(ms).toISOString());
  const output = job.output;
  return {
    id: job.id,
    status: job.status,
    queuePosition,
    createdAt: new Date(job.createdAt).toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    timings: job.timings,
    error: job.failure,
    result: output && {
      url: jobUrls(job.id).resultUrl,
      width: output.width,
      height: output.height,
      depthMin: output.depthMin,
      depthMax: output.depthMax,
    },
  };
}
