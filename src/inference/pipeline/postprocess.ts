import sharp from 'sharp';
import { applyLut, ColormapLut } from './colormap';
import { encodeIndexedPng, type PaletteSource } from './indexed-png';
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

/**
 * Colours photo-sized depth and encodes it: PNG as a palette image straight
 * from the values, JPEG through 16-bit levels, the LUT and sharp.
 */
async function encodeHeatmap(
  source: PaletteSource,
  size: Pick<HeatmapSize, 'width' | 'height'>,
  lut: ColormapLut,
  format: HeatmapFormat,
): Promise<Buffer> {
  if (format === 'png') return encodeIndexedPng(source, size.width, size.height, lut);
  const levels = toLevels(source.values, source.range, source.invert);
  return encodeJpeg(applyLut(levels, lut), size);
}

/**
 * Upsamples, colours and encodes the model's raw depth, normalised by the
 * photo-sized depth's own min-max (as MiDaS write_depth does), which it
 * returns as the job's depthMin/depthMax. The worker and the benchmarks both
 * call the steps here, so the bench measures what the service runs.
 */
export async function renderHeatmap(
  depth: Float32Array,
  size: HeatmapSize,
  lut: ColormapLut,
  format: HeatmapFormat,
  kernel: UpsampleKernel = 'bicubic',
  /** Called between the expensive steps; may throw to stop early (a cancelled job, a huge photo). */
  checkpoint: () => void = () => undefined,
): Promise<{ bytes: Buffer; range: DepthRange }> {
  const { values, range } = photoDepth(depth, size, kernel);
  checkpoint();
  return { bytes: await encodeHeatmap({ values, range }, size, lut, format), range };
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
