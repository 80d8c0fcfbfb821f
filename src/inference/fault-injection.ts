/**
 * A test-only fault hook for the inference worker, so the e2e suites can crash
 * or hang a real worker thread. It is inert unless FAULT_INJECTION is on, which
 * the config refuses when NODE_ENV=production. When on, an image whose bytes
 * carry `depthserve-fault=<fault>` (e.g. in its EXIF ImageDescription) makes
 * the worker fail that way at the start of the decode stage. It lives in the
 * worker and reads only the upload's bytes, so no route needs to know about it.
 * This file must not import Nest: it runs inside the worker thread.
 */
export const FAULTS = ['worker-exit', 'worker-throw', 'worker-hang'] as const;
export type Fault = (typeof FAULTS)[number];

export const FAULT_MARKER = 'depthserve-fault=';

/** The fault an image asks for, if any. */
export function requestedFault(image: Uint8Array): Fault | undefined {
  const bytes = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  const at = bytes.indexOf(FAULT_MARKER, 0, 'latin1');
  if (at < 0) return undefined;
  const start = at + FAULT_MARKER.length;
  const name = bytes.toString('latin1', start, start + 16);
  return FAULTS.find((fault) => name.startsWith(fault));
}

export class InjectedFaultError extends Error {
  constructor() {
    super('Injected fault: the worker threw while decoding.');
    this.name = 'InjectedFaultError';
  }
}

export function injectFault(fault: Fault): void {
  if (fault === 'worker-exit') {
    // In a worker thread this ends only the thread, like a native crash of one worker would.
    process.exit(1);
  }
  if (fault === 'worker-throw') throw new InjectedFaultError();
  // A synchronous hang outside ONNX Runtime: the event loop is blocked, so only
  // terminating the thread ends it. Short waits keep it from burning a core.
  const idle = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(idle, 0, 0, 50);
}
