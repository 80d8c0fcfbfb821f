import type { FailureReason, JobStatus, JobTimings } from '../../results/job.types';

/** GET /api/v1/depth/:id */
export interface JobStatusDto {
  id: string;
  status: JobStatus;
  /** Catalog id of the model the job runs on. */
  model?: string;
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
    /** Range of the relative inverse depth at the photo's size, before normalisation. */
    depthMin: number;
    depthMax: number;
    /** The model that made the depth. */
    model: string;
    /** "relative inverse depth: larger = nearer, no unit" */
    meaning: string;
  };
}
