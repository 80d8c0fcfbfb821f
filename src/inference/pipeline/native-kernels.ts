import { join } from 'node:path';

/**
 * The per-pixel loops of a depth job compiled to C (native/): the depth
 * upsampler, the palette PNG's filter loop and its deflate, and the input
 * tensor's scaling and resampling; and a decoder for plain JPEG and PNG
 * photos, which sharp stands in for. The loops give the same bits as their JS
 * kernels, which stay as the reference and the fallback wherever the addon
 * was not built; the deflate gives the same pixels as zlib in other bytes.
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
  /** Writes a literals-only zlib stream of `data` to `out` (huffmanZlibBound bytes); returns its length. */
  huffmanZlib(data: Uint8Array, out: Uint8Array): number;
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
  /**
   * A plain JPEG or PNG as packed RGB, the same bits sharp decodes it to, or
   * undefined when it is not plain (native/decode.h). Absent where the addon
   * was built without libjpeg and libpng.
   */
  decodeRgb?(bytes: Uint8Array, maxPixels: number): DecodedRgb | undefined;
}

export interface DecodedRgb {
  rgb: Uint8Array;
  width: number;
  height: number;
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
  /** Whether the addon decodes plain JPEG and PNG photos, or sharp decodes them all. */
  decoder?: boolean;
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
  const kernels = nativeKernels();
  if (!kernels) return { kernels: 'js', reason: addon?.reason };
  return { kernels: 'native', decoder: typeof kernels.decodeRgb === 'function' };
}

/** For benchmarks and specs that compare the two in one process. */
export function useNativeKernels(on: boolean): void {
  preferNative = on;
}

/**
 * `data` as a zlib stream of one Huffman-only block (native/huffman-zlib.c):
 * what zlib writes with Z_HUFFMAN_ONLY, less its 16K-symbol blocks.
 */
export function huffmanZlib(kernels: NativeKernels, data: Uint8Array): Buffer {
  // HUFFMAN_ZLIB_BOUND in huffman-zlib.h: 15-bit codes at most, plus headers.
  const out = Buffer.allocUnsafe(Math.floor((data.length * 15) / 8) + 1024);
  return out.subarray(0, kernels.huffmanZlib(data, out));
}
