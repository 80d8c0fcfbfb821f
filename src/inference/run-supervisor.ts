import type { Logger } from '@nestjs/common';
import { ImageDecodeError } from './errors/image-decode.error';
import { InferenceTimeoutError } from './errors/inference-timeout.error';
import { WorkerCrashedError } from './errors/worker-crashed.error';
import type { DepthResult, UndecodableResult } from './inference.types';
import { Stage, TaskControl } from './task-control';

export interface InferenceRun {
  /** The depth result; rejects with InferenceTimeoutError at the deadline. */
  result: Promise<DepthResult>;
  /** Resolves once the thread is free again, which after a timeout or cancel can be later. */
  released: Promise<void>;
  /**
   * Rejects the result with `reason` now and stops the task at its next stage
   * boundary, as a timeout does; a no-op once the result has settled.
   */
  cancel: (reason: Error) => void;
}

/** A depth task the pool has handed to a thread, with the means to stop it. */
export interface StartedTask {
  jobId: string;
  task: Promise<DepthResult | UndecodableResult>;
  released: Promise<void>;
  control: TaskControl;
  terminate: AbortController;
}

/** How long a cancelled task may take to reach a stage boundary before its thread is terminated. */
const REAP_GRACE_MS = 1000;
/**
 * How long a task may wait for a thread to take it: a replacement thread
 * loads its session in 0.2–6 s here; this bounds one that never comes up.
 */
const TAKE_LIMIT_MS = 60_000;

/**
 * The cancel, timeout and reap rules of WorkerPool's depth runs, apart from
 * the pool's thread bookkeeping. It logs through the pool's logger, so its
 * messages keep the pool's context.
 */
export class RunSupervisor {
  constructor(
    private readonly logger: Logger,
    private readonly takeLimitMs = TAKE_LIMIT_MS,
  ) {}

  /** Settles the run's result once: by the task's outcome, a cancel, or the deadline. */
  supervise(
    { jobId, task, released, control, terminate }: StartedTask,
    timeoutMs: number,
  ): InferenceRun {
    let settle!: { resolve: (value: DepthResult) => void; reject: (error: Error) => void };
    const result = new Promise<DepthResult>((resolve, reject) => (settle = { resolve, reject }));
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void) => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      control.wake();
      outcome();
      return true;
    };
    const cancel = (reason: Error) => {
      if (!finish(() => settle.reject(reason))) return;
      control.cancel();
      this.reap(jobId, control, terminate, released);
    };
    // The deadline counts from when a thread takes the task: a job queued behind a hung
    // thread's replacement (loading its session, seconds on a loaded host) has not run yet.
    void control.taken(this.takeLimitMs).then((taken) => {
      if (settled) return;
      if (!taken) cancel(new InferenceTimeoutError(this.takeLimitMs, true));
      else timer = setTimeout(() => cancel(new InferenceTimeoutError(timeoutMs)), timeoutMs);
    });
    task.then(
      (output) =>
        finish(() =>
          output.kind === 'undecodable'
            ? settle.reject(new ImageDecodeError(output.message))
            : settle.resolve(output),
        ),
      (error: Error) => finish(() => settle.reject(this.explain(jobId, error))),
    );
    return { result, released, cancel };
  }

  /** Piscina reports a thread that died under a task only by its exit code; say what happened. */
  private explain(jobId: string, error: Error): Error {
    const exit = /^worker exited with code: (-?\d+)/.exec(error.message);
    if (!exit) return error;
    this.logger.error(
      `The worker thread running job ${jobId} exited with code ${exit[1]}; a replacement is loading.`,
    );
    return new WorkerCrashedError(`exit code ${exit[1]}`);
  }

  /**
   * After a timeout or cancel the worker stops at its next stage boundary. If
   * it has not within the grace period, its thread is terminated, but never
   * while inside ONNX Runtime, which would abort the whole process; inference
   * on a fixed-size tensor always returns, so that case only waits.
   */
  private reap(
    jobId: string,
    control: TaskControl,
    terminate: AbortController,
    released: Promise<void>,
  ): void {
    let settled = false;
    void released.then(() => (settled = true));
    const check = () => {
      if (settled) return;
      if (control.stage === Stage.Infer) {
        setTimeout(check, REAP_GRACE_MS).unref();
        return;
      }
      this.logger.warn(
        `Terminating the worker of cancelled job ${jobId} during ${Stage[control.stage]}.`,
      );
      terminate.abort();
    };
    setTimeout(check, REAP_GRACE_MS).unref();
  }
}
