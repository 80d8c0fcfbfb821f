import { jobUrls } from '../../jobs/dto/job-status.mapper';
import type { JobStatus } from '../../results/job.types';

/**
 * A sync upload's job did not finish within SYNC_TIMEOUT_MS. The job keeps
 * running, so the answer names it and where to fetch it, instead of losing it.
 */
export class SyncTimeoutError extends Error {
  readonly statusUrl: string;
  readonly resultUrl: string;

  constructor(
    readonly id: string,
    readonly status: JobStatus,
    timeoutMs: number,
  ) {
    const urls = jobUrls(id);
    super(
      `Job ${id} did not finish within ${timeoutMs} ms and is still ${status}; ` +
        `fetch its result later from ${urls.resultUrl}.`,
    );
    this.name = 'SyncTimeoutError';
    this.statusUrl = urls.statusUrl;
    this.resultUrl = urls.resultUrl;
  }
}
