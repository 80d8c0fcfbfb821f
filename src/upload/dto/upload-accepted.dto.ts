import type { JobStatus } from '../../results/job.types';

/** Response header on both upload routes: whether the upload got an existing job. */
export const DEDUPE_HEADER = 'X-Dedupe';

/** 202 answer to POST /api/v1/depth. */
export interface UploadAcceptedDto {
  id: string;
  status: JobStatus;
  statusUrl: string;
  resultUrl: string;
  /** True when an earlier upload of the same image (and model) already had this job. */
  deduplicated: boolean;
}
