import sharp from 'sharp';
import { type AcceptedFormat, sniffFormat } from '../../common/images/image-format';
import type { UprightSize } from '../inference.types';
import { inputSizeFor, type ModelContract, type SizePolicy } from '../model/model-catalog';
import { decodeFailureReason } from './decode-failure';
import { type ChannelMap, resampleToTensor, resizesInJs } from './input-resize';
import { nativeKernels } from './native-kernels';

/** ImageNet statistics, used only for models whose graph does not normalise itself. */
const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

export interface DecodedInput {
  /** Packed 8-bit RGB at the model's input size, or at the photo's when the tensor is resampled from it. */
  rgb: Uint8Array;
  rgbWidth: number;
  rgbHeight: number;
  /** The input size the size policy gave for this photo. */
  inputWidth: number;
  inputHeight: number;
  /** Size of the upright original (after EXIF orientation), for upsampling the depth back. */
  width: number;
  height: number;
  /** Which decoder ran: the addon's, on this thread, or sharp's (see decodeNatively). */
  decoder: 'native' | 'sharp';
}

/**
 * Decodes any accepted image into 8-bit sRGB at the model's input size:
 * EXIF orientation applied, alpha flattened onto white, grey/CMYK/16-bit
 * converted. The size comes from the model's policy: a plain resize (aspect
 * ratio not kept) for MiDaS, an aspect-keeping one for Depth Anything.
 */
export async function decodeForModel(
  bytes: Uint8Array,
  policy: SizePolicy,
  maxInputPixels: number,
  /** The upright size when the caller has read the header already: it saves a second read (~1 ms). */
  upright?: UprightSize,
): Promise<DecodedInput> {
  const native = upright && decodeNatively(bytes, policy, maxInputPixels, upright);
  if (native) return native;
  const format = sniffFormat(bytes);
  const image = sharp(bytes, {
    limitInputPixels: maxInputPixels,
    failOn: failOnFor(format),
    pages: 1,
  });
  // Header or pixels: a failed read is told in the format's own words (see decode-failure.ts).
  const explain = (error: Error): never => {
    throw new Error(decodeFailureReason(format, error.message));
  };
  const { width, height } = upright ?? (await image.metadata().catch(explain)).autoOrient;
  const input = inputSizeFor(policy, width, height);
  let pixels = image.autoOrient().flatten({ background: '#ffffff' }).toColourspace('srgb');
  if (!resizesInJs({ width, height }, input)) {
    pixels = pixels.resize(input.width, input.height, { fit: 'fill', kernel: 'cubic' });
  }
  const { data, info } = await pixels
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
    .catch(explain);
  return {
    rgb: data,
    rgbWidth: info.width,
    rgbHeight: info.height,
    width,
    height,
    inputWidth: input.width,
    inputHeight: input.height,
    decoder: 'sharp',
  };
}

/**
 * A plain JPEG or PNG (no ICC profile, upright, opaque, 8-bit) decoded by the
 * addon on this thread, to the bits sharp gives it, when the tensor is
 * resampled here anyway. sharp would run the decode on libuv's and libvips'
 * shared threads, which land on the core where another worker is inferring
 * and slow it down (BENCHMARKS.md, eighth session). Undefined when the addon
 * declines, or lacks the decoder: sharp decodes then, and reports any error.
 */
function decodeNatively(
  bytes: Uint8Array,
  policy: SizePolicy,
  maxInputPixels: number,
  upright: UprightSize,
): DecodedInput | undefined {
  const input = inputSizeFor(policy, upright.width, upright.height);
  if (!resizesInJs(upright, input)) return undefined;
  const decoded = nativeKernels()?.decodeRgb?.(bytes, maxInputPixels);
  if (decoded?.width !== upright.width || decoded.height !== upright.height) return undefined;
  return {
    rgb: decoded.rgb,
    rgbWidth: decoded.width,
    rgbHeight: decoded.height,
    width: decoded.width,
    height: decoded.height,
    inputWidth: input.width,
    inputHeight: input.height,
    decoder: 'native',
  };
}

/**
 * libjpeg reports damaged entropy-coded data ("Corrupt JPEG data: premature
 * end of data segment") only as a warning and then paints the rest grey, so
 * JPEGs are decoded failing on warnings. Other formats' decoders report such
 * damage as errors, while their warnings are mostly about harmless metadata
 * (a PNG's incorrect sRGB profile, say), which must not refuse a good photo.
 */
function failOnFor(format: AcceptedFormat | undefined): 'warning' | 'error' {
  return format === 'jpeg' ? 'warning' : 'error';
}

/**
 * Packed HWC RGB bytes -> planar NCHW float32 at the input size, resampled
 * on the way when the pixels are not at that size yet. Values are scaled to
 * [0,1]; ImageNet mean/std is applied only when the model does not do it in-graph.
 */
export function toInputTensor(
  rgb: Uint8Array,
  size: Pick<DecodedInput, 'inputWidth' | 'inputHeight'> &
    Partial<Pick<DecodedInput, 'rgbWidth' | 'rgbHeight'>>,
  contract: Pick<ModelContract, 'normalization' | 'channelOrder'>,
): Float32Array {
  const to = { width: size.inputWidth, height: size.inputHeight };
  const from = { width: size.rgbWidth ?? to.width, height: size.rgbHeight ?? to.height };
  if (rgb.length !== from.width * from.height * 3) {
    throw new Error(`Expected ${from.width * from.height * 3} RGB bytes, got ${rgb.length}.`);
  }
  const channels = channelMap(contract);
  if (from.width !== to.width || from.height !== to.height) {
    return resampleToTensor(rgb, from, to, channels);
  }
  const plane = to.width * to.height;
  const tensor = new Float32Array(plane * 3);
  const native = nativeKernels();
  for (let c = 0; c < 3; c++) {
    const [src, scale, offset] = [channels.source[c], channels.scale[c], channels.offset[c]];
    const base = c * plane;
    if (native) {
      native.planarChannel(rgb, src, scale, offset, tensor.subarray(base, base + plane));
      continue;
    }
    for (let i = 0; i < plane; i++) tensor[base + i] = rgb[i * 3 + src] * scale - offset;
  }
  return tensor;
}

/** Where each tensor channel comes from, and its scaling (with ImageNet's mean/std if asked). */
function channelMap(contract: Pick<ModelContract, 'normalization' | 'channelOrder'>): ChannelMap {
  const source = contract.channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  const imagenet = contract.normalization === 'imagenet';
  return {
    source,
    scale: source.map((src) => (imagenet ? 1 / (255 * IMAGENET_STD[src]) : 1 / 255)),
    offset: source.map((src) => (imagenet ? IMAGENET_MEAN[src] / IMAGENET_STD[src] : 0)),
  };
}
