import { readdirSync, readFileSync } from 'node:fs';
import { model, photo } from '../../test/helpers/paths';
import { MODEL_CATALOG } from './model/model-catalog';
import { WorkerPool } from './worker-pool';

/** Nice value of every thread of this process, from /proc (Linux). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('WorkerPool (real worker threads, real ONNX Runtime)', () => {
  const pool = new WorkerPool(2, {
    modelId: MODEL_CATALOG[0].id,
    modelPath: model('tiny'),
    intraOpThreads: 1,
    soloThreads: 2,
    nice: 7,
    spinning: { shared: true, solo: true },
    contract: MODEL_CATALOG[0].contract,
    maxInputPixels: 40_000_000,
    faultInjection: false,
  });
  const image = () => new Uint8Array(readFileSync(photo('chelsea_cat_small.jpg')));
  const run = () => pool.run('job', { bytes: image() }, 'png', 10_000).result;

  beforeAll(() => pool.warmUp());
  afterAll(() => pool.close());

  it('gives a job that runs alone the solo session, and jobs that overlap their share', async () => {
    expect((await run()).threads).toBe(2);
    const [first, second] = await Promise.all([run(), run()]);
    // The first found the pool idle; the second started beside it.
    expect([first.threads, second.threads]).toEqual([2, 1]);
    expect((await run()).threads).toBe(2);
  });

  it("hands the worker the upload's upright size, which its result is then sized to", async () => {
    const upright = { width: 50, height: 40 }; // not the photo's 320x213: only the hint gives this
    const result = await pool.run('job', { bytes: image(), upright }, 'png', 10_000).result;
    expect(result.kind === 'depth' && [result.width, result.height]).toEqual([50, 40]);
  });

  it('runs the inference threads, and the ONNX Runtime threads they made, at the nice value', () => {
    // Each worker thread plus the intra-op threads of its solo session (one fewer than its size).
    expect(threadNiceValues().filter((nice) => nice === 7).length).toBeGreaterThanOrEqual(2 * 2);
  });
});
