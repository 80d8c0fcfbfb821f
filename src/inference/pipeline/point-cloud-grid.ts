import type { DepthRange } from './postprocess';

/*
 * The point cloud's sample grid: every step-th pixel's depth mapped to z, and
 * the points dropped at depth discontinuities. point-cloud.ts writes the PLY.
 */

export interface DepthGrid {
  /**
   * Relative inverse depth (bigger = nearer) at the photo's size, row-major:
   * floats, or 16-bit levels (toLevels) with range {min: 0, max: 65535}.
   */
  depth: Float32Array | Uint16Array;
  width: number;
  height: number;
  range: DepthRange;
}

/** Points before the edge filter: one per sampled pixel. */
export function sampledPoints(width: number, height: number, step: number): number {
  return Math.ceil(width / step) * Math.ceil(height / step);
}

/** Depth z (nearest 1, farthest far) of every sampled pixel, row-major on the sample grid. */
export function sampleDepth(input: DepthGrid, step: number, far: number): Float32Array {
  const { depth, width, height, range } = input;
  const cols = Math.ceil(width / step);
  const rows = Math.ceil(height / step);
  const z = new Float32Array(cols * rows);
  const span = range.max - range.min;
  const scale = span > 0 ? 1 / span : 0;
  const near = 1 - 1 / far;
  for (let gy = 0, i = 0; gy < rows; gy++) {
    const row = gy * step * width;
    for (let gx = 0; gx < cols; gx++, i++) {
      const t = (depth[row + gx * step] - range.min) * scale;
      // Clamped: bicubic upsampling overshoots the model's own min and max.
      z[i] = 1 / (1 / far + near * (t <= 0 ? 0 : t >= 1 ? 1 : t));
    }
  }
  return z;
}

/**
 * Marks (1) each sampled point that has a 4-neighbour across a jump larger than
 * edge, on both sides, so no point is left hanging between foreground and background.
 */
export function markEdges(z: Float32Array, cols: number, rows: number, edge: number): Uint8Array {
  const dropped = new Uint8Array(z.length);
  const ratio = 1 + edge;
  for (let gy = 0, i = 0; gy < rows; gy++) {
    for (let gx = 0; gx < cols; gx++, i++) {
      const a = z[i];
      if (gx + 1 < cols) {
        const b = z[i + 1];
        if (a > b * ratio || b > a * ratio) dropped[i] = dropped[i + 1] = 1;
      }
      if (gy + 1 < rows) {
        const b = z[i + cols];
        if (a > b * ratio || b > a * ratio) dropped[i] = dropped[i + cols] = 1;
      }
    }
  }
  return dropped;
}
