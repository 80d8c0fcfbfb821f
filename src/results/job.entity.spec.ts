import { JOB_OUTPUT, STAGE_TIMINGS } from '../../test/fixtures/job-output';
import { IllegalTransitionError, Job } from './job.entity';

describe('Job state machine', () => {
  const stages = STAGE_TIMINGS;
  const output = JOB_OUTPUT;

  it('goes queued -> processing -> done -> expired, with timings', () => {
    const job = new Job('png', 1_000);
    expect(job.status).toBe('queued');
    job.start(1_250);
    expect(job.status).toBe('processing');
    job.complete(output, { decodeMs: 20.2, inferenceMs: 180.4, postprocessMs: 40.6 }, 1_500);
    expect(job).toMatchObject({
      status: 'done',
      finishedAt: 1_500,
      timings: { queueMs: 250, decodeMs: 20, inferenceMs: 180, postprocessMs: 41, totalMs: 500 },
    });
    job.expire();
    expect(job.status).toBe('expired');
  });

  it('can fail from queued or processing, keeping the reason', () => {
    const queued = new Job('png', 0);
    queued.fail('internal', 'shutting down', 10);
    expect(queued).toMatchObject({
      status: 'failed',
      failure: { reason: 'internal' },
      timings: { queueMs: 10 },
    });
    const running = new Job('jpeg', 0);
    running.start(5);
    running.fail('timeout', 'too slow', 30);
    expect(running).toMatchObject({
      status: 'failed',
      failure: { reason: 'timeout', message: 'too slow' },
    });
  });

  it.each([
    ['complete a queued job', (job: Job) => job.complete(output, stages)],
    ['expire an unfinished job', (job: Job) => job.expire()],
    ['start a job twice', (job: Job) => (job.start(), job.start())],
    [
      'finish a job twice',
      (job: Job) => (job.start(), job.complete(output, stages), job.fail('internal', 'x')),
    ],
  ])('refuses to %s', (_label, act) => {
    expect(() => act(new Job('png'))).toThrow(IllegalTransitionError);
  });

  it('is past its TTL only once finished and old enough', () => {
    const job = new Job('png', 0);
    expect(job.isPastTtl(1000, 10_000)).toBe(false);
    job.start(0);
    job.complete(output, stages, 2_000);
    expect(job.isPastTtl(1000, 2_999)).toBe(false);
    expect(job.isPastTtl(1000, 3_000)).toBe(true);
  });

  it('counts the TTL from the later of its finish and its last reuse', () => {
    const job = new Job('png', 0);
    job.reuse(500);
    job.start(0);
    job.complete(output, stages, 2_000);
    expect(job.isPastTtl(1000, 3_000)).toBe(true);
    job.reuse(2_600);
    expect(job.isPastTtl(1000, 3_599)).toBe(false);
    expect(job.isPastTtl(1000, 3_600)).toBe(true);
  });

  it('gets a random UUIDv4 id', () => {
    const ids = new Set(Array.from({ length: 100 }, () => new Job('png').id));
    expect(ids.size).toBe(100);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
