import type { InferenceSession } from 'onnxruntime-node';

/**
 * One session per worker thread, each with its own share of the cores. The
 * pool gives parallelism across images, so inter-op parallelism stays off.
 * Idle intra-op threads block instead of spinning: a spinning solo session
 * would burn the core a neighbouring worker needs, and spinning bought no
 * speed on its own (BENCHMARKS.md, raw table).
 */
export function sessionOptions(intraOpThreads: number): InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    enableCpuMemArena: true,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}
