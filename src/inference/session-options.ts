import type { InferenceSession } from 'onnxruntime-node';

/**
 * One session per worker thread, each with its own share of the cores. The
 * pool gives parallelism across images, so inter-op parallelism stays off.
 *
 * Idle intra-op threads spin (ONNX Runtime's default) only where a session
 * has its cores to itself (spinPolicy below): spinning made a lone 2-thread
 * session up to 20% faster, but where sessions share cores a spinning thread
 * burns the core a neighbour needs (2 workers x 2 threads: 18.7 img/s
 * spinning, 22.6 not; BENCHMARKS.md).
 */
export function sessionOptions(
  intraOpThreads: number,
  spinning = true,
): InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    enableCpuMemArena: true,
    extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' } } },
  };
}

/** Which of a worker's sessions may spin: each only where its threads have cores to themselves. */
export interface SpinPolicy {
  /** The sessions every worker runs jobs on, side by side. */
  shared: boolean;
  /** The session a job uses when it starts alone. */
  solo: boolean;
}

export function spinPolicy(
  split: { workers: number; intraOpThreads: number; soloThreads: number },
  cores: number,
): SpinPolicy {
  return {
    shared: split.workers * split.intraOpThreads <= cores,
    // Only used while nothing else runs, so even a pool with more workers than
    // cores (WORKERS set above the core count) leaves it the cores it spans.
    solo: split.soloThreads <= cores,
  };
}
