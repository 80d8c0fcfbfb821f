import { constants, type ZlibOptions } from 'node:zlib';
import type { ColormapLut } from './colormap';
import { assertLevelCount, FILTER_SUB, pngFile } from './png-file';

/**
 * A palette heatmap's deltas are so few distinct bytes that Huffman coding
 * alone packs them within 2% of run-length matching, in about half the time
 * (BENCHMARKS.md).
 */
export const PALETTE_DEFLATE = { level: 1, strategy: constants.Z_HUFFMAN_ONLY };

/**
 * A colormapped heatmap as an 8-bit palette PNG: the colormap has 256
 * entries, so a palette PNG holds exactly the pixels an RGB one would, in a
 * third of the bytes to filter and deflate, with no per-pixel colour lookup.
 */
export function encodeIndexedPng(
  levels: Uint16Array,
  width: number,
  height: number,
  lut: ColormapLut,
  deflate: ZlibOptions = PALETTE_DEFLATE,
): Buffer {
  assertLevelCount(levels, width, height);
  const scanlines = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) {
    const row = y * (width + 1);
    const src = y * width;
    scanlines[row] = FILTER_SUB;
    let left = 0;
    for (let x = 0; x < width; x++) {
      const index = levels[src + x] >> 8;
      scanlines[row + 1 + x] = (index - left) & 0xff;
      left = index;
    }
  }
  return pngFile({ width, height, bitDepth: 8, colourType: 3, palette: lut, scanlines, deflate });
}
