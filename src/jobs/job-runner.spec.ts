import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { model, photo } from '../../test/helpers/paths';
import { AppConfig } from '../config/app-config';
import { InferenceService } from '../inference/inference.service';
import type { DepthResult } from '../inference/inference.types';
import { Job } from '../results/job.entity';
import { JobEvents } from '../results/job-events';
import { ResultsStore } from '../results/results.store';
import { JobRunner } from './job-runner';

/** The real store, whose writes wait until the test lets them through. */
class HeldStore extends ResultsStore {
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  private started!: () => void;
  readonly writing = new Promise<void>((resolve) => (this.started = resolve));

  release(): void {
    this.open();
  }

  override async saveOutput(
    job: Job,
    result: Pick<DepthResult, 'format' | 'heatmap' | 'depth' | 'image'>,
  ): Promise<void> {
    this.started();
    await this.gate;
    await super.saveOutput(job, result);
  }
}

describe('JobRunner', () => {
  const config = AppConfig.fromEnv({
    MODEL_PATH: model('tiny'),
    WORKERS: '1',
    RESULTS_DIR: mkdtempSync(join(tmpdir(), 'job-runner-spec-')),
  });
  // A real worker thread and ONNX Runtime session, as in the service.
  const inference = new InferenceService(config);

  beforeAll(async () => {
    inference.onApplicationBootstrap();
    while (!inference.ready) await new Promise((wake) => setTimeout(wake, 20));
  });
  afterAll(() => inference.onApplicationShutdown());

  it("gives the worker slot back before the job's files are written, and finishes the job after", async () => {
    const events = new JobEvents();
    const store = new HeldStore(config, events, inference);
    await store.onModuleInit();
    const runner = new JobRunner(config, inference, store, events);
    const finished: string[] = [];
    events.on('finished', (job) => finished.push(job.status));
    const job = new Job('png');
    store.add(job);

    const released = runner.start(job, { bytes: readFileSync(photo('chelsea_cat_small.jpg')) });
    // Had the slot waited on the writes, it would never be given back while they are held.
    let timer: NodeJS.Timeout | undefined;
    const slot = await Promise.race([
      released.then(() => 'free'),
      new Promise((resolve) => (timer = setTimeout(() => resolve('held'), 10_000))),
    ]);
    clearTimeout(timer);
    expect(slot).toBe('free');
    await store.writing;
    expect(runner.running).toBe(0);
    expect(job.status).toBe('processing');
    expect(finished).toEqual([]);

    store.release();
    await runner.settled();
    expect(job.status).toBe('done');
    expect(finished).toEqual(['done']);
    expect(await store.lookup(job.id)).toEqual({ job });
  });
});
