/**
 * Piscina worker: one ONNX Runtime session per thread, loaded once. This file
 * and those in worker/ must not import Nest; they receive plain data and
 * return transferable buffers. The thread's one-time setup stays here, at the
 * entry's import, so that its order holds (the nice value before any session).
 */
import { setPriority } from 'node:os';
import { parentPort, threadId } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import sharp from 'sharp';
import type { WarmupResult, WorkerTask } from './inference.types';
import { type KernelStatus, kernelStatus } from './pipeline/native-kernels';
import { config } from './worker/worker-data';
import { type Loaded, load } from './worker/worker-session';
import { depth, render, selfCheck } from './worker/worker-tasks';

/** Posted once per thread when its session is loaded and warmed, or could not be. */
export type WorkerLoadMessage =
  | { kind: 'warm'; threadId: number; loadMs: number; kernels: KernelStatus }
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
  ({ loadMs }) => report({ kind: 'warm', threadId, loadMs, kernels: kernelStatus() }),
  (error: Error) => report({ kind: 'load-failed', threadId, message: error.message }),
);

function report(message: WorkerLoadMessage): void {
  parentPort?.postMessage(message);
}

export default async function run(task: WorkerTask): Promise<unknown> {
  if (task.kind === 'warmup') {
    const { io, loadMs } = await loaded;
    const result: WarmupResult = { kind: 'warmup', threadId, io, loadMs };
    return result;
  }
  if (task.kind === 'selfcheck') return selfCheck(await loaded);
  if (task.kind === 'render') {
    const rendered = await render(task);
    return transfer(rendered, [rendered.bytes.buffer]);
  }
  const result = await depth(task, await loaded);
  if (result.kind === 'undecodable') return result;
  // Transfer, not copy, the large buffers back to the main thread.
  return transfer(result, [result.heatmap.buffer, result.depth.buffer, result.image.buffer]);
}

function transfer<T extends object>(value: T, buffers: ArrayBufferLike[]): unknown {
  return move({ [transferableSymbol]: buffers, [valueSymbol]: value });
}
