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

  /** Called by the worker before each stage: stops a cancelled task, else records the stage. */
  enter(stage: Stage): void {
    if (this.cancelled) throw new TaskCancelledError();
    Atomics.store(this.view, 1, stage);
  }
}
