import { Logger } from '@nestjs/common';
import { InferenceTimeoutError } from './errors/inference-timeout.error';
import type { DepthResult, UndecodableResult } from './inference.types';
import { RunSupervisor } from './run-supervisor';
import { Stage, TaskControl } from './task-control';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A depth task the test plays the worker for: take it, then finish it. */
function fakeTask() {
  const control = new TaskControl();
  const terminate = new AbortController();
  let finish!: (value: DepthResult) => void;
  const task = new Promise<DepthResult | UndecodableResult>((resolve) => (finish = resolve));
  const released = task.then(() => undefined);
  return {
    started: { jobId: 'job-1', task, released, control, terminate },
    take: () => control.enter(Stage.Decode),
    finish: () => finish({ kind: 'depth' } as DepthResult),
    terminate,
  };
}

/** Settles to the run's outcome: its result, or the error it was rejected with. */
const outcome = (result: Promise<DepthResult>) =>
  result.then(
    (value) => value,
    (error: Error) => error,
  );

describe('RunSupervisor', () => {
  const logger = new Logger('RunSupervisorSpec');

  it('counts the deadline from when a thread takes the task, not from when it was queued', async () => {
    const runs = new RunSupervisor(logger, 10_000);
    const t = fakeTask();
    const run = runs.supervise(t.started, 1_000);
    // Queued for longer than the deadline: a replacement thread still loading its session.
    await sleep(1_200);
    t.take();
    await sleep(100);
    t.finish();
    expect(await outcome(run.result)).toEqual({ kind: 'depth' });
  });

  it('times out a task that runs past the deadline after it was taken', async () => {
    const runs = new RunSupervisor(logger, 10_000);
    const t = fakeTask();
    const run = runs.supervise(t.started, 200);
    t.take();
    const started = Date.now();
    const error = await outcome(run.result);
    expect(error).toBeInstanceOf(InferenceTimeoutError);
    expect((error as Error).message).toBe('Processing took longer than 200 ms.');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(t.started.control.cancelled).toBe(true);
    t.finish();
  });

  it('fails a task no thread takes within the take limit, and drops it from the queue', async () => {
    const runs = new RunSupervisor(logger, 300);
    const t = fakeTask();
    const run = runs.supervise(t.started, 10_000);
    const error = await outcome(run.result);
    expect(error).toBeInstanceOf(InferenceTimeoutError);
    expect((error as Error).message).toBe('No worker thread could start the job within 300 ms.');
    // Never taken, so never inside ONNX Runtime: after the reap grace it is aborted.
    await sleep(1_200);
    expect(t.terminate.signal.aborted).toBe(true);
    t.finish();
  });
});
