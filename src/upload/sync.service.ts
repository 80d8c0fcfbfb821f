import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { JobWaiter } from '../jobs/job-waiter';
import { JobsService } from '../jobs/jobs.service';
import type { RenderSpec } from '../inference/pipeline/render-spec';
import { JobExpiredError } from '../jobs/errors/job.errors';
import type { Job } from '../results/job.entity';
import type { RenderedResult } from '../results/rendered-result';
import { SyncTimeoutError } from './errors/sync.errors';

/** The waiting request: aborted when its client leaves; its id names the wait's log lines. */
export interface SyncRequest {
  clientGone: AbortSignal;
  requestId?: string;
}

/** Holds a sync upload's request open until its job is done or failed, within SYNC_TIMEOUT_MS. */
@Injectable()
export class SyncService {
  private readonly logger = new Logger(SyncService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: JobsService,
    private readonly waiter: JobWaiter,
  ) {}

  /**
   * The rendered result of an accepted job, its failure as the result route
   * gives it, or a 504 naming the job once the wait is over. Neither a timeout
   * nor a client that leaves (`clientGone`) touches the job: it runs to its
   * end and its result can be fetched later. Undefined means nobody is left
   * to answer.
   */
  async result(
    job: Job,
    spec: RenderSpec,
    { clientGone, requestId }: SyncRequest,
  ): Promise<RenderedResult | undefined> {
    const timeoutMs = this.config.syncTimeoutMs;
    const since = performance.now();
    const outcome = await this.waiter.until(job, timeoutMs, clientGone);
    const waitedMs = Math.round(performance.now() - since);
    if (outcome === 'aborted') {
      this.logger.log({
        msg: `Sync client left after waiting ${waitedMs} ms for job ${job.id} (${job.status}); the job runs on.`,
        requestId,
      });
      return undefined;
    }
    if (outcome === 'timeout') {
      this.logger.warn({
        msg: `Sync wait for job ${job.id} timed out after ${waitedMs} ms (${job.status}); the job runs on.`,
        requestId,
      });
      throw new SyncTimeoutError(job.id, job.status, timeoutMs);
    }
    this.logger.log({
      msg: `Sync request got job ${job.id} (${job.status}) after waiting ${waitedMs} ms.`,
      requestId,
    });
    // The result route's own rendering: same bytes and headers; a failed job throws its 422/500.
    const rendered = await this.jobs.render(job, spec);
    // Only an expired job is finished without a rendering; it cannot expire while a client waits.
    if (!rendered) throw new JobExpiredError(job.id);
    return rendered;
  }
}
