import { nativeKernels } from './native-kernels';
import type { DepthRange } from './postprocess';
import type { UpsampleKernel } from './render-options';

export type { UpsampleKernel } from './render-options';

/** PyTorch's bicubic coefficient, which MiDaS's own upsampling uses (OpenCV's too). */
const A = -0.75;

export interface Taps {
  index: Int32Array;
  weight: Float32Array;
}

export interface Size {
  width: number;
  height: number;
}

/**
 * Source taps along one axis for resizing `from` samples to `to`, with
 * half-pixel centres (align_corners=False) and edge replication, exactly as
 * torch.nn.functional.interpolate samples in the given mode. Bilinear uses
 * the middle two of the four taps, so both kernels share one resampler.
 */
export function taps(from: number, to: number, kernel: UpsampleKernel): Taps {
  const index = new Int32Array(to * 4);
  const weight = new Float32Array(to * 4);
  const scale = from / to;
  for (let o = 0; o < to; o++) {
    let src = (o + 0.5) * scale - 0.5;
    // PyTorch clamps a negative source coordinate for linear modes, not for cubic.
    if (kernel === 'bilinear' && src < 0) src = 0;
    const base = Math.floor(src);
    const t = src - base;
    const s = 1 - t;
    const ws = kernel === 'bilinear' ? [0, s, t, 0] : cubicWeights(t, s);
    for (let k = 0; k < 4; k++) {
      index[o * 4 + k] = Math.min(from - 1, Math.max(0, base - 1 + k));
      weight[o * 4 + k] = ws[k];
    }
  }
  return { index, weight };
}

function cubicWeights(t: number, s: number): number[] {
  const w0 = ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A;
  const w1 = ((A + 2) * t - (A + 3)) * t * t + 1;
  const w2 = ((A + 2) * s - (A + 3)) * s * s + 1;
  return [w0, w1, w2, 1 - w0 - w1 - w2];
}

/** Horizontal pass over every source row: from.height rows of to.width samples. */
function widen(depth: Float32Array, from: Size, to: Size, cols: Taps): Float32Array {
  const wide = new Float32Array(from.height * to.width);
  const ci = cols.index;
  const cw = cols.weight;
  for (let y = 0; y < from.height; y++) {
    const src = y * from.width;
    const dst = y * to.width;
    for (let x = 0, k = 0; x < to.width; x++, k += 4) {
      wide[dst + x] =
        depth[src + ci[k]] * cw[k] +
        depth[src + ci[k + 1]] * cw[k + 1] +
        depth[src + ci[k + 2]] * cw[k + 2] +
        depth[src + ci[k + 3]] * cw[k + 3];
    }
  }
  return wide;
}

/** Resampled values and their own min-max, found in the same pass. */
export interface Upsampled {
  values: Float32Array;
  range: DepthRange;
}

/**
 * Separable resampling (rows, then columns) on typed arrays: a few ms for a
 * VGA photo, where a libvips pipeline costs several times that in setup and
 * format conversions. With `clamp`, cubic overshoot is kept inside that
 * range. The min-max comes out of the same pass, saving a read of the photo.
 */
export function upsampleFloat(
  depth: Float32Array,
  from: Size,
  to: Size,
  kernel: UpsampleKernel = 'bicubic',
  clamp?: DepthRange,
): Upsampled {
  const out = new Float32Array(to.width * to.height);
  const cols = taps(from.width, to.width, kernel);
  const rows = taps(from.height, to.height, kernel);
  const lo = clamp?.min ?? -Infinity;
  const hi = clamp?.max ?? Infinity;
  const native = nativeKernels();
  if (native) {
    const range = new Float64Array(2);
    const [fw, fh, tw, th] = [from.width, from.height, to.width, to.height];
    native.resample(
      depth,
      fw,
      fh,
      tw,
      th,
      cols.index,
      cols.weight,
      rows.index,
      rows.weight,
      lo,
      hi,
      out,
      range,
    );
    return { values: out, range: { min: range[0], max: range[1] } };
  }
  const wide = widen(depth, from, to, cols);
  let min = Infinity;
  let max = -Infinity;
  // Math.min/max, not ternaries: V8 compiles them to branch-free min/max
  // instructions, which made this pass about twice as fast (BENCHMARKS.md).
  for (let y = 0, k = 0; y < to.height; y++, k += 4) {
    const r0 = rows.index[k] * to.width;
    const r1 = rows.index[k + 1] * to.width;
    const r2 = rows.index[k + 2] * to.width;
    const r3 = rows.index[k + 3] * to.width;
    const [w0, w1, w2, w3] = rows.weight.subarray(k, k + 4);
    const dst = y * to.width;
    for (let x = 0; x < to.width; x++) {
      const v = wide[r0 + x] * w0 + wide[r1 + x] * w1 + wide[r2 + x] * w2 + wide[r3 + x] * w3;
      // Rounded to float32 first, so the range is that of the values stored.
      const value = Math.fround(Math.min(hi, Math.max(lo, v)));
      out[dst + x] = value;
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
  }
  return { values: out, range: { min, max } };
}

/**
 * Photo-sized values to 16-bit levels over `range` (values outside clamp);
 * inverted, near is 0. A flat range maps everything to the far end.
 */
export function toLevels(
  values: Float32Array,
  { min, max }: DepthRange,
  invert = false,
): Uint16Array {
  const out = new Uint16Array(values.length);
  if (max - min <= 0) return out.fill(invert ? 65535 : 0);
  const scale = 65535 / (max - min);
  // Two plain loops rather than one with per-pixel branches and Math calls: this
  // runs on every heatmap, and `| 0` floors the non-negative level.
  if (invert) {
    for (let i = 0; i < values.length; i++) {
      const level = (values[i] - min) * scale + 0.5;
      out[i] = 65535 - (level <= 0 ? 0 : level >= 65535 ? 65535 : level | 0);
    }
  } else {
    for (let i = 0; i < values.length; i++) {
      const level = (values[i] - min) * scale + 0.5;
      out[i] = level <= 0 ? 0 : level >= 65535 ? 65535 : level | 0;
    }
  }
  return out;
}
