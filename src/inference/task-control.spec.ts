import { Worker } from 'node:worker_threads';
import { Stage, TaskCancelledError, TaskControl } from './task-control';

describe('TaskControl', () => {
  it('says the task was taken once a worker thread enters its first stage', async () => {
    const control = new TaskControl();
    // A real second thread, as the pool's workers are: it enters Decode 100 ms from now.
    const worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const view = new Int32Array(workerData);
       setTimeout(() => { Atomics.store(view, 1, ${Stage.Decode}); Atomics.notify(view, 1); }, 100);`,
      { eval: true, workerData: control.buffer },
    );
    const started = Date.now();
    expect(await control.taken(10_000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(Date.now() - started).toBeLessThan(5_000);
    await worker.terminate();
  });

  it('wakes a waiter when entered on the same thread, and answers at once once taken', async () => {
    const control = new TaskControl();
    const taken = control.taken(10_000);
    control.enter(Stage.Decode);
    expect(await taken).toBe(true);
    expect(await control.taken(10_000)).toBe(true);
    control.enter(Stage.Infer);
    expect(control.stage).toBe(Stage.Infer);
  });

  it('says not taken when the limit passes first', async () => {
    const control = new TaskControl();
    const started = Date.now();
    expect(await control.taken(150)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('releases a waiter on wake(), for a task that settled without being taken', async () => {
    const control = new TaskControl();
    const started = Date.now();
    const taken = control.taken(10_000);
    control.wake();
    expect(await taken).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops a cancelled task at its next stage, leaving the stage as it was', () => {
    const control = new TaskControl();
    control.enter(Stage.Decode);
    control.cancel();
    expect(() => control.enter(Stage.Infer)).toThrow(TaskCancelledError);
    expect(control.stage).toBe(Stage.Decode);
  });
});
