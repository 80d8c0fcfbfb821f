import type { Job } from '../results/job.entity';
import type { JobEvents } from '../results/job-events';

/**
 * Publishes "moved" for queued jobs whose position changed, at most once per
 * interval overall (so at most once per interval per job), always ending on
 * the latest position. Only jobs still queued at flush time are considered,
 * so a job never gets a position after it has started.
 */
export class PositionNotifier {
  private sent = new Map<Job, number>();
  private timer?: NodeJS.Timeout;
  private lastFlush = -Infinity;

  constructor(
    private readonly events: JobEvents,
    /** The queue in order, read at flush time. */
    private readonly queued: () => readonly Job[],
    private readonly intervalMs = 1000,
  ) {}

  /** The position announced with "queued"; not repeated as a move. */
  announced(job: Job, position: number): void {
    this.sent.set(job, position);
  }

  /** The queue changed; a flush follows within the interval. */
  changed(now = Date.now()): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - now);
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sent.clear();
  }

  private flush(): void {
    this.timer = undefined;
    this.lastFlush = Date.now();
    const next = new Map<Job, number>();
    this.queued().forEach((job, index) => {
      const position = index + 1;
      next.set(job, position);
      if (this.sent.get(job) !== position) this.events.emit('moved', job, position);
    });
    this.sent = next;
  }
}
