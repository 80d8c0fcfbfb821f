import { applyLut, COLORMAPS } from './colormap';
import { encodeNpy, encodePfm } from './float-formats';
import { encodeGray16Png } from './gray16-png';
import { encodeIndexedPng, type PaletteSource } from './indexed-png';
import { encodeJpeg, encodeRgbPng, encodeWebp, photoDepth } from './postprocess';
import type { ResultFormat } from './render-options';
import type { RenderSpec } from './render-spec';
import { decodeUpright, joinSideBySide } from './side-by-side';
import { buildPointCloudPly } from './point-cloud';
import { POINT_CLOUD_DEFAULTS } from './point-cloud-params';
import { toLevels } from './upsample';
import type { RenderTask } from '../inference.types';

/** Everything an encoder may need (the render task plus the worker's limit); each takes what it uses. */
export interface EncodeInput extends Omit<RenderTask, 'kind'> {
  maxInputPixels: number;
}

export type Encoder = (input: EncodeInput) => Promise<Uint8Array>;

/** Formats encoded in a worker: all but json, which is metadata built on the main thread. */
export type EncodedFormat = Exclude<ResultFormat, 'json'>;

/** Photo-sized depth for this spec: its fixed range or the image's own, inverted if asked. */
function paletteSource(input: EncodeInput): PaletteSource {
  const { values } = photoDepth(input.depth, input.size, input.kernel);
  return { values, range: input.spec.range ?? input.range, invert: input.spec.invert };
}

/** The same as 16-bit levels, for the RGB and 16-bit grey encoders. */
function levelsFor(input: EncodeInput): Uint16Array {
  const { values, range, invert } = paletteSource(input);
  return toLevels(values, range, invert);
}

/** A coloured heatmap, alone or beside the upright photo, encoded as RGB by `encode`. */
async function colour(
  input: EncodeInput,
  encode: (rgb: Uint8Array, size: { width: number; height: number }) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const { width, height } = input.size;
  const rgb = applyLut(levelsFor(input), COLORMAPS[input.spec.colormap]);
  if (!input.spec.sideBySide) return encode(rgb, { width, height });
  if (!input.original) throw new Error('A side-by-side rendering needs the original photo.');
  const photo = await decodeUpright(input.original, { width, height }, input.maxInputPixels);
  return encode(joinSideBySide(photo, rgb, { width, height }), { width: 2 * width, height });
}

function floats(input: EncodeInput): Float32Array {
  return photoDepth(input.depth, input.size, input.kernel).values;
}

export const ENCODERS: Readonly<Record<EncodedFormat, Encoder>> = {
  png: async (input) => {
    if (input.spec.sideBySide) return colour(input, encodeRgbPng);
    const lut = COLORMAPS[input.spec.colormap];
    return encodeIndexedPng(paletteSource(input), input.size.width, input.size.height, lut);
  },
  jpeg: (input) => colour(input, encodeJpeg),
  webp: (input) => colour(input, encodeWebp),
  png16: (input) =>
    Promise.resolve(encodeGray16Png(levelsFor(input), input.size.width, input.size.height)),
  npy: (input) => Promise.resolve(encodeNpy(floats(input), input.size.width, input.size.height)),
  pfm: (input) => Promise.resolve(encodePfm(floats(input), input.size.width, input.size.height)),
  ply: async (input) => {
    const { width, height } = input.size;
    if (!input.original) throw new Error('A point cloud needs the original photo for its colours.');
    const rgb = await decodeUpright(input.original, { width, height }, input.maxInputPixels);
    const { fov, step, edge, far } = { ...POINT_CLOUD_DEFAULTS, ...definedOnly(input.spec) };
    const cloud = { depth: floats(input), rgb, width, height, range: input.range };
    return buildPointCloudPly(cloud, { fov, step, edge, far });
  },
};

function definedOnly(spec: RenderSpec): Partial<Record<'fov' | 'step' | 'edge' | 'far', number>> {
  const { fov, step, edge, far } = spec;
  return Object.fromEntries(
    Object.entries({ fov, step, edge, far }).filter(([, value]) => value !== undefined),
  );
}
