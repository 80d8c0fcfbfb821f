import type { JobStatus } from '../../results/job.types';

/** The one JSON error shape. "error" carries the message, so legacy clients reading data.error keep working. */
export interface ErrorResponse {
  statusCode: number;
  code: string;
  error: string;
  reason?: string;
  /** A sync upload that timed out: its job, still running, and where to fetch it later. */
  id?: string;
  status?: JobStatus;
  statusUrl?: string;
  resultUrl?: string;
}
