import { Job } from '../results/job.entity';
import { JobEvents } from '../results/job-events';
import type { JobRunner } from './job-runner';
import { JobScheduler } from './job-scheduler';

/**
 * A runner whose jobs hold their worker slot until the test frees them: the
 * scheduler's ordering is what is under test here. Real workers run it in
 * test/jobs-lifecycle.e2e-spec.ts and test/shutdown.e2e-spec.ts.
 */
class HeldRunner {
  readonly started: Job[] = [];
  readonly failed: Job[] = [];
  cancelled?: Error;
  private readonly slots = new Map<Job, () => void>();

  get running(): number {
    return this.slots.size;
  }

  start(job: Job): Promise<void> {
    this.started.push(job);
    return new Promise((free) => this.slots.set(job, free));
  }

  free(job: Job): void {
    this.slots.get(job)!();
    this.slots.delete(job);
  }

  fail(job: Job): void {
    this.failed.push(job);
  }

  cancelAll(error: Error): void {
    this.cancelled = error;
  }

  async settled(): Promise<void> {}
}

const tick = () => new Promise((wake) => setImmediate(wake));

describe('JobScheduler', () => {
  const setup = () => {
    const runner = new HeldRunner();
    const scheduler = new JobScheduler(2, runner as unknown as JobRunner, new JobEvents());
    const jobs = [0, 1, 2, 3].map(() => new Job('png', Date.now(), 'req'));
    jobs.forEach((job) => scheduler.enqueue(job, { bytes: new Uint8Array(1) }));
    scheduler.dispatch();
    return { runner, scheduler, jobs };
  };

  it('runs at most one job per slot, in arrival order, with exact positions for the rest', async () => {
    const { runner, scheduler, jobs } = setup();
    expect(runner.started).toEqual(jobs.slice(0, 2));
    expect(jobs.map((job) => scheduler.positionOf(job))).toEqual([undefined, undefined, 1, 2]);
    runner.free(jobs[1]);
    await tick();
    expect(runner.started).toEqual(jobs.slice(0, 3));
    expect(scheduler.positionOf(jobs[3])).toBe(1);
    expect([scheduler.queued, scheduler.runningCount, scheduler.depth]).toEqual([1, 2, 3]);
  });

  it('drains only once every queued and running job has freed its slot', async () => {
    const { runner, scheduler, jobs } = setup();
    let drained = false;
    void scheduler.drain().then(() => (drained = true));
    for (const job of jobs) {
      await tick();
      expect(drained).toBe(false);
      runner.free(job);
    }
    await tick();
    expect(drained).toBe(true);
  });

  it('abandons by failing the queued jobs and cancelling the running ones', () => {
    const { runner, scheduler, jobs } = setup();
    const error = new Error('grace over');
    scheduler.abandon(error);
    expect(runner.failed).toEqual(jobs.slice(2));
    expect(runner.cancelled).toBe(error);
    expect(scheduler.queued).toBe(0);
  });
});
