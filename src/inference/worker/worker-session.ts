/**
 * Loading and warming this thread's ONNX Runtime sessions. Like the worker
 * entry, no Nest here: it runs inside a Piscina worker thread.
 */
import { performance } from 'node:perf_hooks';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { ModelIo } from '../inference.types';
import type { SizePolicy } from '../model/model-catalog';
import { sessionOptions } from '../session-options';
import { config } from './worker-data';

export interface Loaded {
  /** Sized for a busy pool: this worker's share of the cores. */
  session: InferenceSession;
  /** Spans every core, for a job that runs alone; absent when it would be no wider. */
  solo?: InferenceSession;
  io: ModelIo;
  loadMs: number;
}

export async function load(): Promise<Loaded> {
  const started = performance.now();
  const { session, io } = await warm(config.intraOpThreads, config.spinning.shared);
  const solo =
    config.soloThreads > config.intraOpThreads
      ? await warm(config.soloThreads, config.spinning.solo)
      : undefined;
  return { session, solo: solo?.session, io, loadMs: performance.now() - started };
}

/** A session whose first, slow run (allocations, kernel choices) happens before any job's. */
async function warm(
  threads: number,
  spinning: boolean,
): Promise<{ session: InferenceSession; io: ModelIo }> {
  const session = await InferenceSession.create(
    config.modelPath,
    sessionOptions(threads, spinning),
  );
  const io = describeIo(session);
  const { width, height } = warmupSize(io);
  const input = new Float32Array(3 * width * height).fill(0.5);
  await session.run({ [io.inputName]: new Tensor('float32', input, [1, 3, height, width]) });
  return { session, io };
}

/** A static input size in the model wins over the declared policy; otherwise the policy sizes. */
export function sizePolicy(io: ModelIo): SizePolicy {
  if (io.inputWidth !== null && io.inputHeight !== null) {
    return { kind: 'fixed', width: io.inputWidth, height: io.inputHeight };
  }
  return config.contract.input;
}

function warmupSize(io: ModelIo): { width: number; height: number } {
  const policy = sizePolicy(io);
  return policy.kind === 'fixed' ? policy : { width: policy.lowerBound, height: policy.lowerBound };
}

/** Input and output names come from the session; the spatial size too when it is static. */
function describeIo(session: InferenceSession): ModelIo {
  const [input] = session.inputMetadata;
  const shape = input?.isTensor ? input.shape : [];
  const staticDim = (dim: unknown) => (typeof dim === 'number' && dim > 0 ? dim : undefined);
  const io = {
    inputName: session.inputNames[0],
    outputName: session.outputNames[0],
    inputHeight: staticDim(shape[2]) ?? null,
    inputWidth: staticDim(shape[3]) ?? null,
  };
  if (shape.length !== 4 || staticDim(shape[1]) !== 3) {
    throw new Error(
      `Model input "${io.inputName}" has shape [${shape.join(',')}], expected [1,3,H,W].`,
    );
  }
  return io;
}
