import type { Job } from '../results/job.entity';

/**
 * Jobs by dedupe key. An entry is dropped when its job can no longer be handed
 * out (failed, expired, past its TTL) or another job takes its key, so the
 * index never holds more entries than the store holds jobs.
 */
export class DedupeIndex {
  private readonly jobs = new Map<string, Job>();
  private readonly keys = new Map<string, string>();

  /** reusable: whether a job found under a key may still be handed out. */
  constructor(private readonly reusable: (job: Job) => boolean) {}

  /** The job to hand out for this key, if any; a stale entry is dropped on the way. */
  find(key: string): Job | undefined {
    const job = this.jobs.get(key);
    if (!job || this.reusable(job)) return job;
    this.forget(job.id);
    return undefined;
  }

  remember(key: string, job: Job): void {
    const previous = this.jobs.get(key);
    // The previous job keeps running out its TTL, but its later expiry must not drop this entry.
    if (previous) this.keys.delete(previous.id);
    this.jobs.set(key, job);
    this.keys.set(job.id, key);
  }

  forget(id: string): void {
    const key = this.keys.get(id);
    if (key === undefined) return;
    this.keys.delete(id);
    this.jobs.delete(key);
  }

  get size(): number {
    return this.jobs.size;
  }
}
