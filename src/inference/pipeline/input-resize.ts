import { nativeKernels } from './native-kernels';
import { type Size, type Taps, taps } from './upsample';

/**
 * Past this shrink on either axis a 4-tap kernel would skip pixels and
 * alias, so libvips (whose kernel widens as it shrinks) resizes instead.
 */
const MAX_SHRINK = 3;

/**
 * Whether the input tensor is resampled here (natively, or in JS) rather than
 * by libvips: whenever the 4-tap kernel still reaches every pixel. That is the
 * kernel MiDaS's own transform shrinks and enlarges with (cv2.resize,
 * INTER_CUBIC), and it lets a plain photo be decoded on the worker's thread
 * (preprocess.ts). libvips' enlarging resize also cost about 5 ms whatever
 * the photo's size. Past MAX_SHRINK, libvips shrinks on load and resizes.
 */
export function resizesInJs(photo: Size, input: Size): boolean {
  const shrink = Math.max(photo.width / input.width, photo.height / input.height);
  return shrink <= MAX_SHRINK;
}

/** Per output channel: which packed RGB channel it reads, and value * scale - offset. */
export interface ChannelMap {
  source: number[];
  scale: number[];
  offset: number[];
}

/**
 * Packed 8-bit RGB to planar float32 at the input size, bicubic with
 * OpenCV's and PyTorch's coefficient and half-pixel centres, as MiDaS's own
 * transform resizes (cv2.resize, INTER_CUBIC). Overshoot is clamped to the
 * byte range, as libvips' path does, so the model's input stays in [0,1]
 * whichever path a photo takes. Separable; the axis that leaves the smaller
 * intermediate goes first (a tall photo is shrunk down before across).
 */
export function resampleToTensor(
  rgb: Uint8Array,
  from: Size,
  to: Size,
  channels: ChannelMap,
): Float32Array {
  const cols = taps(from.width, to.width, 'bicubic');
  const rows = taps(from.height, to.height, 'bicubic');
  const tensor = new Float32Array(to.width * to.height * 3);
  const native = nativeKernels();
  if (native) {
    const map = Float64Array.from([...channels.source, ...channels.scale, ...channels.offset]);
    const [fw, fh, tw, th] = [from.width, from.height, to.width, to.height];
    native.resampleToTensor(
      rgb,
      fw,
      fh,
      tw,
      th,
      cols.index,
      cols.weight,
      rows.index,
      rows.weight,
      map,
      tensor,
    );
    return tensor;
  }
  if (from.height * to.width <= from.width * to.height) {
    const mid = { width: to.width, height: from.height };
    finishDown(acrossPacked(rgb, from, mid, cols), mid, to, rows, tensor, channels);
  } else {
    const mid = { width: from.width, height: to.height };
    finishAcross(downPacked(rgb, from, mid, rows), mid, to, cols, tensor, channels);
  }
  return tensor;
}

/** Packed bytes resampled across, into one float plane per channel. */
function acrossPacked(rgb: Uint8Array, from: Size, mid: Size, { index, weight }: Taps) {
  const area = mid.width * mid.height;
  const out = new Float32Array(area * 3);
  for (let y = 0; y < from.height; y++) {
    const line = y * from.width * 3;
    for (let x = 0, k = 0; x < mid.width; x++, k += 4) {
      const [p0, p1, p2, p3] = [index[k], index[k + 1], index[k + 2], index[k + 3]];
      const w0 = weight[k];
      const w1 = weight[k + 1];
      const w2 = weight[k + 2];
      const w3 = weight[k + 3];
      for (let c = 0, at = y * mid.width + x; c < 3; c++, at += area) {
        const b = line + c;
        out[at] =
          rgb[b + p0 * 3] * w0 + rgb[b + p1 * 3] * w1 + rgb[b + p2 * 3] * w2 + rgb[b + p3 * 3] * w3;
      }
    }
  }
  return out;
}

/** Packed bytes resampled down, into one float plane per channel. */
function downPacked(rgb: Uint8Array, from: Size, mid: Size, { index, weight }: Taps) {
  const area = mid.width * mid.height;
  const out = new Float32Array(area * 3);
  const stride = from.width * 3;
  for (let y = 0, k = 0; y < mid.height; y++, k += 4) {
    const [r0, r1, r2, r3] = [
      index[k] * stride,
      index[k + 1] * stride,
      index[k + 2] * stride,
      index[k + 3] * stride,
    ];
    const w0 = weight[k];
    const w1 = weight[k + 1];
    const w2 = weight[k + 2];
    const w3 = weight[k + 3];
    for (let x = 0; x < mid.width; x++) {
      for (let c = 0, j = x * 3, at = y * mid.width + x; c < 3; c++, j++, at += area) {
        out[at] = rgb[r0 + j] * w0 + rgb[r1 + j] * w1 + rgb[r2 + j] * w2 + rgb[r3 + j] * w3;
      }
    }
  }
  return out;
}

/**
 * Float planes resampled down into the tensor, each channel mapped and scaled.
 * This and finishAcross fuse the clamp and scaling into their last pass: a
 * shared pass after them (with the upsampler's widen) cost 0.6-1.4 ms more per
 * enlarged photo, most of what resampling here saves.
 */
function finishDown(
  mid: Float32Array,
  size: Size,
  to: Size,
  taps: Taps,
  tensor: Float32Array,
  map: ChannelMap,
) {
  const { index, weight } = taps;
  for (let c = 0; c < 3; c++) {
    const plane = map.source[c] * size.width * size.height;
    const [scale, offset] = [map.scale[c], map.offset[c]];
    for (let y = 0, k = 0; y < to.height; y++, k += 4) {
      const r0 = plane + index[k] * size.width;
      const r1 = plane + index[k + 1] * size.width;
      const r2 = plane + index[k + 2] * size.width;
      const r3 = plane + index[k + 3] * size.width;
      const w0 = weight[k];
      const w1 = weight[k + 1];
      const w2 = weight[k + 2];
      const w3 = weight[k + 3];
      const dst = (c * to.height + y) * to.width;
      for (let x = 0; x < to.width; x++) {
        const v = mid[r0 + x] * w0 + mid[r1 + x] * w1 + mid[r2 + x] * w2 + mid[r3 + x] * w3;
        tensor[dst + x] = Math.min(255, Math.max(0, v)) * scale - offset;
      }
    }
  }
}

/** Float planes resampled across into the tensor, each channel mapped and scaled. */
function finishAcross(
  mid: Float32Array,
  size: Size,
  to: Size,
  taps: Taps,
  tensor: Float32Array,
  map: ChannelMap,
) {
  const { index, weight } = taps;
  for (let c = 0; c < 3; c++) {
    const plane = map.source[c] * size.width * size.height;
    const [scale, offset] = [map.scale[c], map.offset[c]];
    for (let y = 0; y < to.height; y++) {
      const src = plane + y * size.width;
      const dst = (c * to.height + y) * to.width;
      for (let x = 0, k = 0; x < to.width; x++, k += 4) {
        const v =
          mid[src + index[k]] * weight[k] +
          mid[src + index[k + 1]] * weight[k + 1] +
          mid[src + index[k + 2]] * weight[k + 2] +
          mid[src + index[k + 3]] * weight[k + 3];
        tensor[dst + x] = Math.min(255, Math.max(0, v)) * scale - offset;
      }
    }
  }
}
