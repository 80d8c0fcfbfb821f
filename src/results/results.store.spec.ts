import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { JOB_OUTPUT, STAGE_TIMINGS } from '../../test/fixtures/job-output';
import { model } from '../../test/helpers/paths';
import { AppConfig } from '../config/app-config';
import { InferenceService } from '../inference/inference.service';
import { defaultSpec } from '../inference/pipeline/render-spec';
import { Job } from './job.entity';
import { JobEvents } from './job-events';
import { RENDERS_PER_JOB } from './result-renderer';
import { SEGMENT_NAME } from './segment-file';
import { ResultsStore } from './results.store';

describe('ResultsStore', () => {
  let dir: string;
  let store: ResultsStore;
  let events: JobEvents;
  // Other renderings run in a real worker pool, as in the service.
  const inference = new InferenceService(
    AppConfig.fromEnv({ MODEL_PATH: model('tiny'), WORKERS: '1' }),
  );

  beforeAll(async () => {
    inference.onApplicationBootstrap();
    while (!inference.ready) await new Promise((wake) => setTimeout(wake, 20));
  });

  afterAll(() => inference.onApplicationShutdown());
  afterEach(() => store.onApplicationShutdown());

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'results-spec-'));
    events = new JobEvents();
    store = new ResultsStore(
      AppConfig.fromEnv({ RESULTS_DIR: dir, RESULT_TTL_SECONDS: '60' }),
      events,
      inference,
    );
    await store.onModuleInit();
  });

  async function finishedJob(finishedAt: number): Promise<Job> {
    const job = new Job('png', finishedAt - 100);
    store.add(job);
    const heatmap = await sharp({
      create: { width: 4, height: 2, channels: 3, background: '#f00' },
    })
      .png()
      .toBuffer();
    // The heatmap doubles as the uploaded photo.
    const depth = new Float32Array(4);
    await store.saveOutput(job, { format: 'png', heatmap, depth, image: heatmap });
    await store.flushed();
    job.start(finishedAt - 50);
    job.complete(JOB_OUTPUT, { ...STAGE_TIMINGS, inferenceMs: 8 }, finishedAt);
    return job;
  }

  it('keeps a finished job until its TTL, then forgets it in memory and on disk', async () => {
    const job = await finishedJob(1_000_000);
    expect(await store.lookup(job.id, 1_000_000 + 59_999)).toEqual({ job });
    expect(await store.sweep(1_000_000 + 59_999)).toBe(0);
    // The heatmap, the raw depth and the photo, in one segment file.
    expect(readdirSync(dir)).toEqual([expect.stringMatching(SEGMENT_NAME)]);

    expect(await store.sweep(1_000_000 + 60_000)).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
    expect(job.status).toBe('expired');
    expect(await store.lookup(job.id)).toEqual({ expired: true });
    expect(store.size).toBe(0);
  });

  it('expires on lookup too, so a stale result is never served between sweeps', async () => {
    const job = await finishedJob(Date.now() - 61_000);
    expect(await store.lookup(job.id)).toEqual({ expired: true });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps results in an owner-only directory, in owner-only files', async () => {
    chmodSync(dir, 0o755);
    await store.onModuleInit();
    const job = await finishedJob(Date.now());
    await store.render(job, defaultSpec('jpeg'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir);
    expect(files).toHaveLength(2);
    for (const file of files) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
  });

  it('serves a done job whose files could not be written, from memory, until it expires', async () => {
    rmSync(dir, { recursive: true });
    const job = new Job('png');
    store.add(job);
    const heatmap = Buffer.from('heatmap bytes');
    await store.saveOutput(job, {
      format: 'png',
      heatmap,
      depth: new Float32Array(4),
      image: heatmap,
    });
    await store.flushed();
    job.start();
    job.complete(JOB_OUTPUT, STAGE_TIMINGS);
    const served = await store.render(job, defaultSpec('png'));
    expect(served).toMatchObject({ cache: 'hit', mediaType: 'image/png' });
    expect(served.bytes.equals(heatmap)).toBe(true);
    await store.sweep(Date.now() + 61_000);
    expect(await store.lookup(job.id)).toEqual({ expired: true });
  });

  it('tells an id it never saw from an expired one', async () => {
    expect(await store.lookup('0b8e0f43-8d0b-4a5e-9a2f-1d2c3b4a5f60')).toBeUndefined();
  });

  it('converts the heatmap to the other format once and keeps it with the job', async () => {
    const job = await finishedJob(Date.now());
    const jpeg = await store.render(job, defaultSpec('jpeg'));
    expect(jpeg).toMatchObject({ cache: 'miss', mediaType: 'image/jpeg' });
    expect((await sharp(jpeg.bytes).metadata()).format).toBe('jpeg');
    // A rendering made later has a file of its own beside the job's segment.
    expect(readdirSync(dir).sort()).toEqual([
      `${job.id}.inferno.jpg`,
      expect.stringMatching(SEGMENT_NAME),
    ]);
    expect((await store.render(job, defaultSpec('jpeg'))).cache).toBe('hit');
  });

  it('renders another colormap from the raw depth once, keeps it, and expires it with the job', async () => {
    const job = await finishedJob(Date.now());
    const gray = { ...defaultSpec('png'), colormap: 'gray' } as const;
    const first = await Promise.all([store.render(job, gray), store.render(job, gray)]);
    expect(first[0].bytes.equals(first[1].bytes)).toBe(true);
    const { data, info } = await sharp(first[0].bytes).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([4, 2, 3]);
    // A flat depth map normalises to level 0: black in gray.
    expect(Math.max(...data)).toBe(0);
    expect(readdirSync(dir)).toContain(`${job.id}.gray.png`);
    await store.sweep(Date.now() + 61_000);
    expect(readdirSync(dir)).toEqual([]);
  });

  it(`keeps at most ${RENDERS_PER_JOB} renderings per job, dropping the least recently used`, async () => {
    const job = await finishedJob(Date.now());
    const ranged = (max: number) => ({ ...defaultSpec('png'), range: { min: 0, max } });
    await store.render(job, ranged(1));
    for (let max = 2; max <= RENDERS_PER_JOB + 4; max++) {
      await store.render(job, ranged(max));
      // Used again each time, so it stays while older ones go.
      expect((await store.render(job, ranged(1))).cache).toBe('hit');
    }
    const renders = readdirSync(dir).filter((name) => name.endsWith('.png'));
    expect(renders).toHaveLength(RENDERS_PER_JOB);
    // The worker's own heatmap was the least recently used, so it went first; it renders again.
    expect(renders).not.toContain(`${job.id}.inferno.png`);
    expect((await store.render(job, defaultSpec('png'))).cache).toBe('miss');
    expect((await store.render(job, ranged(RENDERS_PER_JOB + 4))).cache).toBe('hit');
    await store.sweep(Date.now() + 61_000);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes result files left by an earlier process at start-up, and nothing else', async () => {
    const job = await finishedJob(Date.now());
    const restarted = new ResultsStore(AppConfig.fromEnv({ RESULTS_DIR: dir }), events, inference);
    await restarted.onModuleInit();
    expect(readdirSync(dir)).toEqual([]);
    expect(await restarted.lookup(job.id)).toBeUndefined();
  });
});
