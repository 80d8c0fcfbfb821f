import sharp from 'sharp';
import { applyLut, ColormapLut } from './colormap';
import { encodeIndexedPng } from './indexed-png';
import type { HeatmapFormat, UpsampleKernel } from './render-options';
import { toLevels, type Upsampled, upsampleFloat } from './upsample';

export type { HeatmapFormat } from './render-options';

export interface DepthRange {
  min: number;
  max: number;
}

export interface HeatmapSize {
  depthWidth: number;
  depthHeight: number;
  width: number;
  height: number;
}

export function depthRange(depth: Float32Array): DepthRange {
  let min = Infinity;
  let max = -Infinity;
  // Indexed, not for-of: the iterator costs several times more on a photo-sized array.
  for (let i = 0; i < depth.length; i++) {
    const value = depth[i];
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new Error('The model produced a non-finite depth value.');
  }
  return { min, max };
}

/**
 * The model's depth at the photo's size, with its min-max: the values every
 * result is made from (npy and pfm carry them as they are). Cubic overshoot
 * is clamped to the model's own output range, so the photo's min-max (the
 * job's depthMin and depthMax) never lies outside what the network produced.
 */
export function photoDepth(
  depth: Float32Array,
  size: HeatmapSize,
  kernel: UpsampleKernel,
): Upsampled {
  return upsampleFloat(
    depth,
    { width: size.depthWidth, height: size.depthHeight },
    { width: size.width, height: size.height },
    kernel,
    depthRange(depth),
  );
}

/** Colours photo-sized levels and encodes them: PNG as a palette image, JPEG through sharp. */
export async function encodeLevels(
  levels: Uint16Array,
  size: Pick<HeatmapSize, 'width' | 'height'>,
  lut: ColormapLut,
  format: HeatmapFormat,
): Promise<Buffer> {
  if (format === 'png') return encodeIndexedPng(levels, size.width, size.height, lut);
  return encodeJpeg(applyLut(levels, lut), size);
}

/**
 * Upsamples, colours and encodes the model's raw depth, normalised by the
 * photo-sized depth's own min-max (as MiDaS write_depth does), which it returns.
 */
export async function renderHeatmap(
  depth: Float32Array,
  size: HeatmapSize,
  lut: ColormapLut,
  format: HeatmapFormat,
  kernel: UpsampleKernel = 'bicubic',
  /** Called between the expensive steps; may throw to stop early. */
  checkpoint: () => void = () => undefined,
): Promise<{ bytes: Buffer; range: DepthRange }> {
  const { levels, range } = heatmapLevels(depth, size, kernel, checkpoint);
  checkpoint();
  return { bytes: await encodeLevels(levels, size, lut, format), range };
}

/**
 * The heatmap's input: the photo-sized depth as 16-bit levels over its own
 * min-max (which it returns, as the job's depthMin/depthMax). The worker and
 * the benchmarks both call this, so the bench measures what the service runs.
 */
export function heatmapLevels(
  depth: Float32Array,
  size: HeatmapSize,
  kernel: UpsampleKernel,
  /** A cancelled job should stop within its grace even on a huge photo: checked between passes. */
  checkpoint: () => void = () => undefined,
): { levels: Uint16Array; range: DepthRange } {
  const { values, range } = photoDepth(depth, size, kernel);
  checkpoint();
  return { levels: toLevels(values, range), range };
}

/**
 * Packed RGB as a q90 JPEG. Huffman optimisation is off: it costs more time
 * than the few percent of bytes it saves on a heatmap (BENCHMARKS.md).
 */
export function encodeJpeg(
  rgb: Uint8Array,
  size: Pick<HeatmapSize, 'width' | 'height'>,
): Promise<Buffer> {
  return rawRgb(rgb, size).jpeg({ quality: 90, optimiseCoding: false }).toBuffer();
}

/** Packed RGB as WebP, at libwebp's fastest effort: a heatmap is smooth and compresses well anyway. */
export function encodeWebp(
  rgb: Uint8Array,
  size: Pick<HeatmapSize, 'width' | 'height'>,
): Promise<Buffer> {
  return rawRgb(rgb, size).webp({ quality: 85, effort: 0 }).toBuffer();
}

/** Packed RGB as a fast, unfiltered-choice PNG (for images with more than a palette's colours). */
export function encodeRgbPng(
  rgb: Uint8Array,
  size: Pick<HeatmapSize, 'width' | 'height'>,
): Promise<Buffer> {
  return rawRgb(rgb, size).png({ compressionLevel: 2, adaptiveFiltering: false }).toBuffer();
}

/** Packed 8-bit RGB as a sharp pipeline, for the encoders above. */
function rawRgb(rgb: Uint8Array, size: Pick<HeatmapSize, 'width' | 'height'>) {
  return sharp(rgb, { raw: { width: size.width, height: size.height, channels: 3 } });
}
