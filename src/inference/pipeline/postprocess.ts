import sharp, { Sharp } from 'sharp';
import { applyLut, ColormapLut } from './colormap';

import type { HeatmapFormat } from './render-options';

export type { HeatmapFormat } from './render-options';

export interface DepthRange {
  min: number;
  max: number;
}

export function depthRange(depth: Float32Array): DepthRange {
  let min = Infinity;
  let max = -Infinity;
  for (const value of depth) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new Error('The model produced a non-finite depth value.');
  }
  return { min, max };
}

/** Min-max normalises relative depth into 16-bit levels; a flat map becomes all zeros. */
export function toLevels(depth: Float32Array, { min, max }: DepthRange): Uint16Array {
  const levels = new Uint16Array(depth.length);
  const span = max - min;
  if (span <= 0) return levels;
  const scale = 65535 / span;
  for (let i = 0; i < depth.length; i++) levels[i] = Math.round((depth[i] - min) * scale);
  return levels;
}

/**
 * Upsamples the model-sized depth back to the photo's size with a bicubic
 * kernel (as MiDaS does), colours it and encodes it. Normalising to 16-bit
 * levels first keeps the upsampling smooth and clamps cubic overshoot.
 */
export async function renderHeatmap(
  levels: Uint16Array,
  size: { depthWidth: number; depthHeight: number; width: number; height: number },
  lut: ColormapLut,
  format: HeatmapFormat,
  /** Called between the expensive steps; may throw to stop early. */
  checkpoint: () => void = () => undefined,
): Promise<Buffer> {
  const upsampled = await sharp(levels, {
    raw: { width: size.depthWidth, height: size.depthHeight, channels: 1 },
  })
    .toColourspace('grey16')
    .resize(size.width, size.height, { fit: 'fill', kernel: 'cubic' })
    .raw({ depth: 'ushort' })
    .toBuffer();
  checkpoint();
  const full = new Uint16Array(upsampled.buffer, upsampled.byteOffset, upsampled.length / 2);
  const rgb = applyLut(full, lut);
  checkpoint();
  return encodeHeatmap(
    sharp(rgb, { raw: { width: size.width, height: size.height, channels: 3 } }),
    format,
  );
}

/** The one place heatmap encoding settings live, for the worker and for later conversions. */
export function encodeHeatmap(image: Sharp, format: HeatmapFormat): Promise<Buffer> {
  return format === 'png'
    ? image.png({ compressionLevel: 6 }).toBuffer()
    : image.jpeg({ quality: 90 }).toBuffer();
}
