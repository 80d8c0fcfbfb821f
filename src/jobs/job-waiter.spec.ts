import { JOB_OUTPUT as OUTPUT, STAGE_TIMINGS as STAGES } from '../../test/fixtures/job-output';
import { Job } from '../results/job.entity';
import { JobEvents } from '../results/job-events';
import { JobWaiter } from './job-waiter';

describe('JobWaiter', () => {
  let events: JobEvents;
  let waiter: JobWaiter;
  let job: Job;

  beforeEach(() => {
    jest.useFakeTimers();
    events = new JobEvents();
    waiter = new JobWaiter(events);
    job = new Job('png');
    job.start();
  });
  afterEach(() => jest.useRealTimers());

  /** Settles the wait's promise into a readable value without advancing time. */
  const peek = async (wait: Promise<string>) => {
    let outcome = 'pending';
    void wait.then((value) => (outcome = value));
    await Promise.resolve();
    return outcome;
  };

  it("resolves on the job's own 'finished' event only, then detaches", async () => {
    const wait = waiter.until(job, 1000);
    expect(events.listenerCount).toBe(1);
    const other = new Job('png');
    other.start();
    other.fail('worker_error', 'boom');
    events.emit('finished', other);
    expect(await peek(wait)).toBe('pending');
    job.complete(OUTPUT, STAGES);
    events.emit('finished', job);
    expect(await wait).toBe('finished');
    expect(events.listenerCount).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('resolves for a failed job as for a done one', async () => {
    const wait = waiter.until(job, 1000);
    job.fail('invalid_image', 'Corrupt JPEG data');
    events.emit('finished', job);
    expect(await wait).toBe('finished');
  });

  it('times out after timeoutMs and leaves no listener or timer behind', async () => {
    const wait = waiter.until(job, 1000);
    jest.advanceTimersByTime(999);
    expect(await peek(wait)).toBe('pending');
    jest.advanceTimersByTime(1);
    expect(await wait).toBe('timeout');
    expect(events.listenerCount).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    // A later finish of the same job reaches no stale waiter.
    job.complete(OUTPUT, STAGES);
    expect(() => events.emit('finished', job)).not.toThrow();
  });

  it('answers at once for a job that has already finished, without listening', async () => {
    job.complete(OUTPUT, STAGES);
    expect(await waiter.until(job, 1000)).toBe('finished');
    const failed = new Job('png');
    failed.fail('shutdown', 'The shutdown grace ran out.');
    expect(await waiter.until(failed, 1000)).toBe('finished');
    expect(events.listenerCount).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('gives up when the signal aborts, before or during the wait, and cleans up', async () => {
    const early = new AbortController();
    early.abort();
    expect(await waiter.until(job, 1000, early.signal)).toBe('aborted');
    expect(events.listenerCount).toBe(0);

    const client = new AbortController();
    const wait = waiter.until(job, 1000, client.signal);
    client.abort();
    expect(await wait).toBe('aborted');
    expect(events.listenerCount).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });
});
