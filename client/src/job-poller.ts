import { ApiError, getJobStatus, NetworkError } from './api';
import { fromStatusDto, type JobUpdate } from './job-updates';

export interface PollerHooks {
  /** The ids to ask about on this round; none means the poller goes idle. */
  ids: () => string[];
  deliver: (id: string, update: JobUpdate) => void;
  reachable: (reachable: boolean) => void;
}

/** Asks GET /api/v1/depth/:id for each id, one round at a time, while there is anything to ask. */
export class JobPoller {
  private timer: number | undefined;

  constructor(
    private readonly hooks: PollerHooks,
    private readonly intervalMs = 1000,
  ) {}

  /** Schedules a round unless one is pending; safe to call as often as anything changes. */
  kick(): void {
    if (this.timer !== undefined || this.hooks.ids().length === 0) return;
    this.timer = window.setTimeout(() => void this.round(), this.intervalMs);
  }

  private async round(): Promise<void> {
    const ids = this.hooks.ids();
    const outcomes = await Promise.allSettled(ids.map((id) => getJobStatus(id)));
    let reachable = true;
    try {
      outcomes.forEach((outcome, i) => {
        const id = ids[i];
        if (outcome.status === 'fulfilled') {
          this.hooks.deliver(id, fromStatusDto(outcome.value));
          return;
        }
        const error: unknown = outcome.reason;
        if (error instanceof NetworkError) reachable = false;
        else if (error instanceof ApiError && (error.status === 404 || error.status === 410)) {
          const code = error.status === 404 ? 'not_found' : 'expired';
          this.hooks.deliver(id, { kind: 'gone', code, message: error.message });
        } else {
          // A 5xx or a proxy's page is likely to pass; keep polling, but leave a trace.
          console.warn(`Polling job ${id} failed:`, error);
        }
      });
    } finally {
      this.hooks.reachable(reachable);
      this.timer = undefined;
      this.kick();
    }
  }
}
