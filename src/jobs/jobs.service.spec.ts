import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { InferenceService } from '../inference/inference.service';
import { JobEvents } from '../results/job-events';
import { ResultsStore } from '../results/results.store';
import { ShuttingDownError } from './errors/job.errors';
import { JobsService } from './jobs.service';

describe('JobsService admission', () => {
  const config = AppConfig.fromEnv({ RESULTS_DIR: mkdtempSync(join(tmpdir(), 'jobs-spec-')) });
  const service = () => {
    const events = new JobEvents();
    const inference = new InferenceService(config);
    return new JobsService(config, inference, new ResultsStore(config, events, inference), events);
  };

  it('refuses work while the model is not loaded, naming the model state', () => {
    expect(() => service().assertAccepting()).toThrow(/still starting/);
  });

  it('refuses new uploads with 503 shutting_down once shutdown has begun', async () => {
    const jobs = service();
    await jobs.beforeApplicationShutdown();
    expect(() => jobs.assertAccepting()).toThrow(ShuttingDownError);
    expect(() => jobs.submit({ bytes: new Uint8Array(1) }, 'png')).toThrow(ShuttingDownError);
    expect(jobs.depth).toBe(0);
  });
});
