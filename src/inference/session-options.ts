import type { InferenceSession } from 'onnxruntime-node';

/**
 * One session per worker thread, each with its own share of the cores. The
 * pool gives parallelism across images, so inter-op parallelism stays off.
 */
export function sessionOptions(intraOpThreads: number): InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    enableCpuMemArena: true,
  };
}
