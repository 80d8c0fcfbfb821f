import { constants, type ZlibOptions } from 'node:zlib';
import type { ColormapLut } from './colormap';
import { huffmanZlib, nativeKernels } from './native-kernels';
import { FILTER_SUB, pngFile } from './png-file';
import type { DepthRange } from './postprocess';

/**
 * A palette heatmap's deltas are so few distinct bytes that Huffman coding
 * alone packs them within 2% of run-length matching, in about half the time
 * (BENCHMARKS.md).
 */
export const PALETTE_DEFLATE = { level: 1, strategy: constants.Z_HUFFMAN_ONLY };

/** Photo-sized depth and the range its colours span; `invert` puts near at the far colour. */
export interface PaletteSource {
  values: Float32Array;
  range: DepthRange;
  invert?: boolean;
}

/**
 * A colormapped heatmap as an 8-bit palette PNG: the colormap has 256
 * entries, so a palette PNG holds exactly the pixels an RGB one would, in a
 * third of the bytes to filter and deflate, with no per-pixel colour lookup.
 * Each pixel's index is the top byte of toLevels' 16-bit level, computed in
 * the filter loop itself: one pass and no level array saved 1.1-1.4 ms on a
 * VGA heatmap (BENCHMARKS.md), and the bytes are the same.
 */
export function encodeIndexedPng(
  source: PaletteSource,
  width: number,
  height: number,
  lut: ColormapLut,
  deflate: ZlibOptions = PALETTE_DEFLATE,
): Buffer {
  const { values, range, invert = false } = source;
  if (values.length !== width * height) {
    throw new Error(`Expected ${width * height} values, got ${values.length}.`);
  }
  // toLevels' arithmetic, to the bit (the spec pins it); a flat range (scale 0) is all far, as
  // there. Written out, not shared: a common per-value helper made this 2.6 -> 6.5 ms (640x426).
  const { min, max } = range;
  const scale = max - min > 0 ? 65535 / (max - min) : 0;
  // 255 - index, for indices 0-255.
  const flip = invert ? 255 : 0;
  const scanlines = new Uint8Array(height * (width + 1));
  const native = nativeKernels();
  if (native) native.paletteScanlines(values, width, height, min, scale, flip, scanlines);
  else fillScanlines(values, width, height, min, scale, flip, scanlines);
  // The native Huffman-only encoder does what PALETTE_DEFLATE asks zlib for, faster.
  const compress =
    native && deflate === PALETTE_DEFLATE
      ? (rows: Uint8Array) => huffmanZlib(native, rows)
      : undefined;
  return pngFile({
    width,
    height,
    bitDepth: 8,
    colourType: 3,
    palette: lut,
    scanlines,
    deflate,
    compress,
  });
}

function fillScanlines(
  values: Float32Array,
  width: number,
  height: number,
  min: number,
  scale: number,
  flip: number,
  scanlines: Uint8Array,
): void {
  for (let y = 0; y < height; y++) {
    const row = y * (width + 1);
    const src = y * width;
    scanlines[row] = FILTER_SUB;
    let left = 0;
    for (let x = 0; x < width; x++) {
      const level = (values[src + x] - min) * scale + 0.5;
      const index = flip ^ (level <= 0 ? 0 : level >= 65535 ? 255 : (level | 0) >> 8);
      scanlines[row + 1 + x] = (index - left) & 0xff;
      left = index;
    }
  }
}
