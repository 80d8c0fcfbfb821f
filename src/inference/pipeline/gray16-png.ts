import { assertLevelCount, DEFLATE, FILTER_SUB, pngFile } from './png-file';

const BYTES_PER_PIXEL = 2;

/**
 * 16-bit greyscale PNG of depth levels, as MiDaS write_depth(bits=2) writes
 * them. PNG samples are big-endian; the Sub filter works on bytes two back,
 * which keeps a smooth map's deltas small for the run-length deflate.
 */
export function encodeGray16Png(levels: Uint16Array, width: number, height: number): Buffer {
  assertLevelCount(levels, width, height);
  const stride = width * BYTES_PER_PIXEL + 1;
  const scanlines = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const src = y * width;
    scanlines[row] = FILTER_SUB;
    let hiLeft = 0;
    let loLeft = 0;
    for (let x = 0; x < width; x++) {
      const level = levels[src + x];
      const hi = level >> 8;
      const lo = level & 0xff;
      scanlines[row + 1 + 2 * x] = (hi - hiLeft) & 0xff;
      scanlines[row + 2 + 2 * x] = (lo - loLeft) & 0xff;
      hiLeft = hi;
      loLeft = lo;
    }
  }
  return pngFile({ width, height, bitDepth: 16, colourType: 0, scanlines, deflate: DEFLATE });
}
