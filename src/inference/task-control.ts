/**
 * A per-task control block shared with the worker thread. ONNX Runtime aborts
 * the whole process when a thread is terminated inside session.run(), so a
 * timed-out task is cancelled cooperatively: the worker stops at its next
 * stage boundary, and a thread is only terminated outside inference.
 */
export enum Stage {
  Queued = 0,
  Decode = 1,
  Infer = 2,
  Postprocess = 3,
}

export class TaskCancelledError extends Error {
  constructor() {
    super('The task was cancelled.');
    this.name = 'TaskCancelledError';
  }
}

export class TaskControl {
  private readonly view: Int32Array;

  constructor(readonly buffer = new SharedArrayBuffer(8)) {
    this.view = new Int32Array(buffer);
  }

  cancel(): void {
    Atomics.store(this.view, 0, 1);
  }

  get cancelled(): boolean {
    return Atomics.load(this.view, 0) === 1;
  }

  get stage(): Stage {
    return Atomics.load(this.view, 1);
  }

  /**
   * Resolves true once the worker takes the task (leaves Queued); false if it
   * has not within `limitMs`, or was woken by `wake()` first.
   */
  async taken(limitMs: number): Promise<boolean> {
    const wait = Atomics.waitAsync(this.view, 1, Stage.Queued, limitMs);
    if (wait.async) await wait.value;
    return this.stage !== Stage.Queued;
  }

  /** Releases a pending `taken()`, once the task has settled without the worker taking it. */
  wake(): void {
    Atomics.notify(this.view, 1);
  }

  /** Called by the worker before each stage: stops a cancelled task, else records the stage. */
  enter(stage: Stage): void {
    if (this.cancelled) throw new TaskCancelledError();
    const previous = Atomics.exchange(this.view, 1, stage) as Stage;
    if (previous === Stage.Queued) Atomics.notify(this.view, 1);
  }
}
