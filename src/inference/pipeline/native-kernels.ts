import { join } from 'node:path';

/**
 * The per-pixel loops of a depth job compiled to C (native/kernels.c): the
 * depth upsampler, the palette PNG's filter loop, and the input tensor's
 * scaling and resampling. Each gives the same bits as its JS kernel, which stays as the
 * reference and the fallback wherever the addon was not built.
 */
export interface NativeKernels {
  resample(
    depth: Float32Array,
    fromWidth: number,
    fromHeight: number,
    toWidth: number,
    toHeight: number,
    colIndex: Int32Array,
    colWeight: Float32Array,
    rowIndex: Int32Array,
    rowWeight: Float32Array,
    lo: number,
    hi: number,
    out: Float32Array,
    range: Float64Array,
  ): void;
  /** `map`: the three source channels, then the three scales, then the three offsets. */
  resampleToTensor(
    rgb: Uint8Array,
    fromWidth: number,
    fromHeight: number,
    toWidth: number,
    toHeight: number,
    colIndex: Int32Array,
    colWeight: Float32Array,
    rowIndex: Int32Array,
    rowWeight: Float32Array,
    map: Float64Array,
    tensor: Float32Array,
  ): void;
  paletteScanlines(
    values: Float32Array,
    width: number,
    height: number,
    min: number,
    scale: number,
    flip: number,
    scanlines: Uint8Array,
  ): void;
  planarChannel(
    rgb: Uint8Array,
    source: number,
    scale: number,
    offset: number,
    out: Float32Array,
  ): void;
}

/** Built by `npm run build:native`; three levels up from this file in src/ and in dist/ alike. */
export const NATIVE_ADDON = join(
  __dirname,
  '..',
  '..',
  '..',
  'native',
  'build',
  'Release',
  'depthserve_kernels.node',
);

export interface KernelStatus {
  kernels: 'native' | 'js';
  /** Why the JS kernels are in use, when they are. */
  reason?: string;
}

let addon: { kernels?: NativeKernels; reason?: string } | undefined;
let preferNative = true;

function load(): { kernels?: NativeKernels; reason?: string } {
  try {
    // A native addon is loaded by require; there is no import form for it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { kernels: require(NATIVE_ADDON) as NativeKernels };
  } catch (error) {
    return { reason: `${NATIVE_ADDON} did not load (${(error as Error).message.split('\n')[0]})` };
  }
}

/** The compiled kernels, or undefined where they are unavailable or switched off. */
export function nativeKernels(): NativeKernels | undefined {
  if (!preferNative) return undefined;
  addon ??= load();
  return addon.kernels;
}

export function kernelStatus(): KernelStatus {
  if (!preferNative) return { kernels: 'js', reason: 'they were switched off' };
  return nativeKernels() ? { kernels: 'native' } : { kernels: 'js', reason: addon?.reason };
}

/** For benchmarks and specs that compare the two in one process. */
export function useNativeKernels(on: boolean): void {
  preferNative = on;
}
