import type { ImageInput } from '../inference/inference.types';
import type { Job } from '../results/job.entity';
import type { JobEvents } from '../results/job-events';
import type { JobRunner } from './job-runner';
import { PositionNotifier } from './position-notifier';

interface Pending {
  job: Job;
  image: ImageInput;
}

/**
 * The FIFO queue and its dispatch to the worker pool. At most `slots` jobs
 * run at once, one per worker, so a queued job's position is exact and a job
 * starts the moment it is handed to the pool. Admission and the shutdown
 * policy stay with JobsService; this only orders and starts the work.
 */
export class JobScheduler {
  private readonly queue: Pending[] = [];
  /** One entry per occupied worker slot; settles when the thread is free again. */
  private readonly running = new Set<Promise<void>>();
  private readonly positions: PositionNotifier;

  constructor(
    private readonly slots: number,
    private readonly runner: JobRunner,
    events: JobEvents,
  ) {
    this.positions = new PositionNotifier(events, () => this.queue.map(({ job }) => job));
  }

  /** Queued plus running jobs. */
  get depth(): number {
    return this.queue.length + this.running.size;
  }

  get queued(): number {
    return this.queue.length;
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Queues the job and returns its 1-based position, which its "queued" event announces. */
  enqueue(job: Job, image: ImageInput): number {
    const position = this.queue.push({ job, image });
    this.positions.announced(job, position);
    return position;
  }

  /** 1-based position among queued jobs, or undefined once it has started. */
  positionOf(job: Job): number | undefined {
    const index = this.queue.findIndex((pending) => pending.job === job);
    return index < 0 ? undefined : index + 1;
  }

  /** Starts queued jobs while a worker slot is free. */
  dispatch(): void {
    while (this.running.size < this.slots && this.queue.length > 0) {
      const { job, image } = this.queue.shift() as Pending;
      const slot = this.runner.start(job, image).finally(() => {
        this.running.delete(slot);
        this.dispatch();
      });
      this.running.add(slot);
      if (this.queue.length > 0) this.positions.changed();
    }
  }

  /** Resolves once the queue is empty and every started job is in its final state. */
  async drain(): Promise<void> {
    try {
      // Each freed slot has already started the next queued job (see dispatch).
      while (this.running.size > 0) await Promise.race(this.running);
      await this.runner.settled();
    } finally {
      this.positions.stop();
    }
  }

  /**
   * Fails every queued job and cancels every running one with the error
   * (reason shutdown); a cancelled job still reaches its final state.
   */
  abandon(error: Error): void {
    for (const { job } of this.queue.splice(0)) {
      this.runner.fail(job, 'shutdown', error.message);
    }
    this.runner.cancelAll(error);
  }
}
