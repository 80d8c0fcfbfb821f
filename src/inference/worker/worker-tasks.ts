/**
 * What a worker thread does for each kind of task, on the sessions it loaded
 * once. No Nest here either; results are plain data the entry transfers.
 */
import { performance } from 'node:perf_hooks';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { injectFault, requestedFault } from '../fault-injection';
import type {
  DepthResult,
  ModelIo,
  RenderResult,
  RenderTask,
  SelfCheckResult,
  UndecodableResult,
  WorkerTask,
} from '../inference.types';
import { checkDepthOutput, goldenImage } from '../model/self-check';
import { INFERNO } from '../pipeline/colormap';
import { type EncodedFormat, ENCODERS } from '../pipeline/encoders';
import { renderHeatmap } from '../pipeline/postprocess';
import { DecodedInput, decodeForModel, toInputTensor } from '../pipeline/preprocess';
import { Stage, TaskControl } from '../task-control';
import { config } from './worker-data';
import { type Loaded, sizePolicy } from './worker-session';

export async function depth(
  task: Extract<WorkerTask, { kind: 'depth' }>,
  loaded: Loaded,
): Promise<DepthResult | UndecodableResult> {
  const { io, ...sessions } = loaded;
  const session = (task.solo && sessions.solo) || sessions.session;
  const threads = session === sessions.solo ? config.soloThreads : config.intraOpThreads;
  const control = new TaskControl(task.control);
  control.enter(Stage.Decode);
  const fault = config.faultInjection ? requestedFault(task.image) : undefined;
  if (fault) injectFault(fault);
  const t0 = performance.now();
  let decoded: Awaited<ReturnType<typeof decodeForModel>>;
  try {
    decoded = await decodeForModel(task.image, sizePolicy(io), config.maxInputPixels, task.upright);
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
export async function selfCheck({ io, session }: Loaded): Promise<SelfCheckResult> {
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

export async function render(task: RenderTask): Promise<RenderResult> {
  const encode = ENCODERS[task.spec.format as EncodedFormat];
  if (!encode) throw new Error(`No worker encoder for format "${task.spec.format}".`);
  const bytes = await encode({ ...task, maxInputPixels: config.maxInputPixels });
  // As for the heatmap: sharp's output cannot be transferred, a copy can.
  return { kind: 'render', bytes: new Uint8Array(bytes) };
}
