import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOB_OUTPUT, STAGE_TIMINGS } from '../../test/fixtures/job-output';
import { AppConfig } from '../config/app-config';
import { InferenceService } from '../inference/inference.service';
import { Job } from '../results/job.entity';
import { JobEvents } from '../results/job-events';
import { ResultsStore } from '../results/results.store';
import { DedupeService } from './dedupe.service';

const TTL_MS = 60_000;
const output = JOB_OUTPUT;
const stages = STAGE_TIMINGS;

/** The rules that decide what is handed out, with the real store, TTL and job events. */
describe('DedupeService', () => {
  let config: AppConfig;
  let store: ResultsStore;
  let events: JobEvents;
  let dedupe: DedupeService;

  beforeEach(async () => {
    config = AppConfig.fromEnv({
      RESULTS_DIR: mkdtempSync(join(tmpdir(), 'dedupe-spec-')),
      RESULT_TTL_SECONDS: String(TTL_MS / 1000),
    });
    events = new JobEvents();
    const inference = new InferenceService(config);
    store = new ResultsStore(config, events, inference);
    await store.onModuleInit();
    dedupe = new DedupeService(config, inference, store, events);
    dedupe.onModuleInit();
  });
  afterEach(() => dedupe.onApplicationShutdown());

  function remembered(key: string): Job {
    const job = new Job('png', Date.now() - TTL_MS * 2);
    store.add(job);
    dedupe.remember(key, job);
    return job;
  }

  const finish = (job: Job, finishedAt: number) => {
    job.start(finishedAt - 10);
    job.complete(output, stages, finishedAt);
  };

  it('hands out queued and processing jobs, and done ones within their TTL', () => {
    const job = remembered('k');
    expect(dedupe.find('k')).toBe(job);
    job.start();
    expect(dedupe.find('k')).toBe(job);
    job.complete(output, stages, Date.now() - TTL_MS + 5_000);
    expect(dedupe.find('k')).toBe(job);
  });

  it('does not hand out a done job past its TTL, even before the sweep expires it', async () => {
    finish(remembered('k'), Date.now() - TTL_MS - 1);
    expect(dedupe.find('k')).toBeUndefined();
    expect(dedupe.size).toBe(0);
    expect(await store.sweep()).toBe(1);
  });

  it('forgets a failed job as it fails, so the same bytes run again', () => {
    const job = remembered('k');
    job.fail('timeout', 'too slow');
    events.emit('finished', job);
    expect(dedupe.size).toBe(0);
    expect(dedupe.find('k')).toBeUndefined();
  });

  it('keeps an entry as long as its job: the sweep that expires the job drops it', async () => {
    const job = remembered('k');
    finish(job, Date.now() - TTL_MS - 1);
    expect(dedupe.size).toBe(1);
    expect(await store.sweep()).toBe(1);
    expect(dedupe.size).toBe(0);
  });

  it('a hit restarts a done job TTL, for the store and its sweep as well', async () => {
    const job = remembered('k');
    const finishedAt = Date.now() - TTL_MS + 1_000;
    finish(job, finishedAt);
    dedupe.reuse(job, performance.now());
    const reusedAt = job.reusedAt!;
    expect(reusedAt).toBeGreaterThan(finishedAt);
    expect(await store.sweep(finishedAt + TTL_MS + 1)).toBe(0);
    expect(store.peek(job.id, finishedAt + TTL_MS + 1)).toEqual({ job });
    expect(await store.sweep(reusedAt + TTL_MS)).toBe(1);
    expect(dedupe.size).toBe(0);
  });

  it('announces a hit with the subscriber to push it to', () => {
    const seen: [string, string | undefined][] = [];
    events.on('deduplicated', (job, subscriber) => seen.push([job.id, subscriber]));
    const job = remembered('k');
    dedupe.reuse(job, performance.now(), { subscriber: 'socket-1' });
    expect(seen).toEqual([[job.id, 'socket-1']]);
  });

  it('makes no key while no model is loaded', async () => {
    expect(await dedupe.keyFor(new Uint8Array(10))).toBeUndefined();
  });
});
