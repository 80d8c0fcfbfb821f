/**
 * Piscina worker: one ONNX Runtime session per thread, loaded once. This file
 * and those in worker/ must not import Nest; they receive plain data and
 * return transferable buffers. The thread's one-time setup stays here, at the
 * entry's import, so that its order holds (the nice value before any session).
 */
import { setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parentPort, threadId } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import sharp from 'sharp';
import { injectFault, requestedFault } from './fault-injection';
import type {
  DepthResult,
  ModelIo,
  RenderResult,
  RenderTask,
  SelfCheckResult,
  UndecodableResult,
  WarmupResult,
  WorkerTask,
} from './inference.types';
import { checkDepthOutput, goldenImage } from './model/self-check';
import { INFERNO } from './pipeline/colormap';
import { type EncodedFormat, ENCODERS } from './pipeline/encoders';
import { renderHeatmap } from './pipeline/postprocess';
import { DecodedInput, decodeForModel, toInputTensor } from './pipeline/preprocess';
import { Stage, TaskControl } from './task-control';
import { config } from './worker/worker-data';
import { type Loaded, load, sizePolicy } from './worker/worker-session';

/** Posted once per thread when its session is loaded and warmed, or could not be. */
export type WorkerLoadMessage =
  | { kind: 'warm'; threadId: number; loadMs: number }
  | { kind: 'load-failed'; threadId: number; message: string };

// libvips' operation cache only grows memory in a long-lived server. Its
// threads per image follow the solo session: a lone job then decodes as fast
// as a one-worker, all-cores setup, and under load the extra threads cost
// nothing measurable (BENCHMARKS.md).
sharp.cache(false);
sharp.concurrency(config.soloThreads);

// On Linux a nice value is per thread, and threads inherit it from the one
// that creates them: set before the sessions exist, it covers ONNX Runtime's
// threads too. The event loop (HTTP, Socket.IO, probes) then gets the CPU
// first when the cores are saturated, at no cost in throughput (BENCHMARKS.md).
try {
  setPriority(config.nice);
} catch {
  // Not permitted (some sandboxes): run at the inherited priority.
}

// Started at import so that a replacement thread warms up before it is needed.
// The pool counts a thread as alive only once it has said so here.
const loaded: Promise<Loaded> = load();
loaded.then(
  ({ loadMs }) => report({ kind: 'warm', threadId, loadMs }),
  (error: Error) => report({ kind: 'load-failed', threadId, message: error.message }),
);

function report(message: WorkerLoadMessage): void {
  parentPort?.postMessage(message);
}

async function depth(
  task: Extract<WorkerTask, { kind: 'depth' }>,
): Promise<DepthResult | UndecodableResult> {
  const { io, ...sessions } = await loaded;
  const session = (task.solo && sessions.solo) || sessions.session;
  const threads = session === sessions.solo ? config.soloThreads : config.intraOpThreads;
  const control = new TaskControl(task.control);
  control.enter(Stage.Decode);
  const fault = config.faultInjection ? requestedFault(task.image) : undefined;
  if (fault) injectFault(fault);
  const t0 = performance.now();
  let decoded: Awaited<ReturnType<typeof decodeForModel>>;
  try {
    decoded = await decodeForModel(task.image, sizePolicy(io), config.maxInputPixels);
  } catch (error) {
    return { kind: 'undecodable', message: (error as Error).message };
  }
  control.enter(Stage.Infer);
  const t1 = performance.now();
  const output = await infer(session, io, decoded);
  const t2 = performance.now();
  const dims = output.dims;
  const [depthHeight, depthWidth] = [dims[dims.length - 2], dims[dims.length - 1]];
  // Copy out of ORT's buffer so the result can be transferred to the main thread.
  const raw = new Float32Array(output.data as Float32Array);
  const size = { depthWidth, depthHeight, width: decoded.width, height: decoded.height };
  // The model's declared kernel, as its reference code upsamples.
  const kernel = config.contract.upsampling;
  control.enter(Stage.Postprocess);
  const { bytes: heatmap, range } = await renderHeatmap(
    raw,
    size,
    INFERNO,
    task.format,
    kernel,
    () => control.enter(Stage.Postprocess),
  );
  const t3 = performance.now();
  return {
    kind: 'depth',
    // sharp's output lives in memory Node will not transfer (postMessage would
    // copy it anyway); one explicit copy gives a buffer that can be moved.
    heatmap: new Uint8Array(heatmap),
    format: task.format,
    image: task.image,
    width: decoded.width,
    height: decoded.height,
    depth: raw,
    depthWidth,
    depthHeight,
    depthMin: range.min,
    depthMax: range.max,
    upsampling: kernel,
    timings: { decodeMs: t1 - t0, inferenceMs: t2 - t1, postprocessMs: t3 - t2 },
    threads,
  };
}

/** Feeds decoded pixels at their policy size, normalised as the model declares. */
async function infer(session: InferenceSession, io: ModelIo, decoded: DecodedInput) {
  const { inputWidth, inputHeight } = decoded;
  const data = toInputTensor(decoded.rgb, decoded, config.contract);
  const input = new Tensor('float32', data, [1, 3, inputHeight, inputWidth]);
  return (await session.run({ [io.inputName]: input }))[io.outputName];
}

/** The golden image through the model's own preprocessing; the checks are in self-check.ts. */
async function selfCheck(): Promise<SelfCheckResult> {
  const { io, session } = await loaded;
  const started = performance.now();
  const decoded = await decodeForModel(await goldenImage(), sizePolicy(io), config.maxInputPixels);
  const output = await infer(session, io, decoded);
  const data = output.type === 'float32' ? (output.data as Float32Array) : new Float32Array(0);
  const fed = { inputWidth: decoded.inputWidth, inputHeight: decoded.inputHeight };
  const problem =
    output.type === 'float32'
      ? checkDepthOutput(output.dims, data, { width: fed.inputWidth, height: fed.inputHeight })
      : `type check failed: output is ${output.type}, expected float32`;
  return { kind: 'selfcheck', problem, ...fed, ms: performance.now() - started };
}

async function render(task: RenderTask): Promise<RenderResult> {
  const encode = ENCODERS[task.spec.format as EncodedFormat];
  if (!encode) throw new Error(`No worker encoder for format "${task.spec.format}".`);
  const bytes = await encode({ ...task, maxInputPixels: config.maxInputPixels });
  // As for the heatmap: sharp's output cannot be transferred, a copy can.
  return { kind: 'render', bytes: new Uint8Array(bytes) };
}

export default async function run(task: WorkerTask): Promise<unknown> {
  if (task.kind === 'warmup') {
    const { io, loadMs } = await loaded;
    const result: WarmupResult = { kind: 'warmup', threadId, io, loadMs };
    return result;
  }
  if (task.kind === 'selfcheck') return selfCheck();
  if (task.kind === 'render') {
    const rendered = await render(task);
    return transfer(rendered, [rendered.bytes.buffer]);
  }
  const result = await depth(task);
  if (result.kind === 'undecodable') return result;
  // Transfer, not copy, the large buffers back to the main thread.
  return transfer(result, [result.heatmap.buffer, result.depth.buffer, result.image.buffer]);
}

function transfer<T extends object>(value: T, buffers: ArrayBufferLike[]): unknown {
  return move({ [transferableSymbol]: buffers, [valueSymbol]: value });
}
