import type { JobStatus } from '../../results/job.types';

/** 202 answer to POST /api/v1/depth. */
export interface UploadAcceptedDto {
  id: string;
  status: JobStatus;
  statusUrl: string;
  resultUrl: string;
}
