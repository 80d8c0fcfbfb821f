import { Injectable } from '@nestjs/common';
import type { Job } from '../results/job.entity';
import { JobEvents } from '../results/job-events';

/** Why a wait ended: the job reached done or failed, the time ran out, or the caller gave up. */
export type WaitOutcome = 'finished' | 'timeout' | 'aborted';

/**
 * Awaits a job's final state from the 'finished' event instead of polling.
 * Every wait removes its listener, timer and abort handler however it ends,
 * so waiters that time out or whose client leaves leave nothing behind; the
 * job itself is never touched and always runs to its end.
 */
@Injectable()
export class JobWaiter {
  constructor(private readonly events: JobEvents) {}

  until(job: Job, timeoutMs: number, signal?: AbortSignal): Promise<WaitOutcome> {
    // Anything past processing (done, failed, or even expired) will not change by waiting.
    if (job.status !== 'queued' && job.status !== 'processing') return Promise.resolve('finished');
    if (signal?.aborted) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      const settle = (outcome: WaitOutcome) => {
        clearTimeout(timer);
        detach();
        signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const detach = this.events.on('finished', (finished) => {
        if (finished === job) settle('finished');
      });
      const timer = setTimeout(() => settle('timeout'), timeoutMs);
      const onAbort = () => settle('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
