import { constants, crc32, deflateSync, type ZlibOptions } from 'node:zlib';
import type { ColormapLut } from './colormap';

export const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Depth maps are smooth, so neighbouring samples differ by little: the Sub
 * filter turns rows into small repeated deltas, which run-length deflate
 * packs fast. Measured on VGA heatmaps (BENCHMARKS.md): about 4x faster than
 * unfiltered level-6 deflate, and 20% smaller.
 */
export const DEFLATE = { level: 1, strategy: constants.Z_RLE };

/**
 * A palette heatmap's deltas are so few distinct bytes that Huffman coding
 * alone packs them within 2% of run-length matching, in about half the time
 * (BENCHMARKS.md).
 */
export const PALETTE_DEFLATE = { level: 1, strategy: constants.Z_HUFFMAN_ONLY };
const FILTER_SUB = 1;

export function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc32(data, crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, tail]);
}

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
  if (levels.length !== width * height) {
    throw new Error(`Expected ${width * height} levels, got ${levels.length}.`);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 3, 0, 0, 0], 8); // bit depth 8, colour type 3 (palette), no interlace
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
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('PLTE', lut),
    chunk('IDAT', deflateSync(scanlines, deflate)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
