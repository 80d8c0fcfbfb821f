import type { JobStatus } from '../../results/job.entity';

/** 202 answer to POST /api/v1/depth. */
export interface UploadAcceptedDto {
  id: string;
  status: JobStatus;
  statusUrl: string;
  resultUrl: string;
}
