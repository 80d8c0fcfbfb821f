import sharp, { Metadata } from 'sharp';
import { type AcceptedFormat, sniffFormat } from '../common/images/image-format';
import {
  ImageTooLargeError,
  InvalidImageError,
  UnsupportedImageError,
} from './errors/image.errors';
import { headerFailureReason } from './header-failure';
import { readDeclaredSize, type DeclaredSize } from './image-header';
import { inspectStructure } from './image-structure';

/** The worker decodes to `upright` without reading the header again. */
export interface ProbedImage extends DeclaredSize {
  format: AcceptedFormat;
}

export interface ProbeLimits {
  maxInputPixels: number;
  maxSide: number;
}

/**
 * Cheap admission checks before a job is queued: the format from the bytes,
 * the header's dimensions against the side and pixel limits (a tiny file can
 * declare a huge image), then whether the file is complete. No pixels are decoded,
 * and a file built to make decoders slow is refused before any decoder reads it.
 */
export async function probeImage(bytes: Uint8Array, limits: ProbeLimits): Promise<ProbedImage> {
  if (bytes.length === 0) throw new InvalidImageError('The uploaded file is empty.');
  const format = sniffFormat(bytes);
  if (!format) {
    throw new UnsupportedImageError(
      'Unsupported image type; send a JPEG, PNG, WebP, TIFF or GIF image.',
    );
  }
  const name = format.toUpperCase();
  const { bomb, truncation } = await inspectStructure(format, bytes);
  if (bomb) throw new InvalidImageError(`The ${name} image is refused: ${bomb}.`);
  const { width, height, upright } =
    readDeclaredSize(format, bytes) ?? (await readWithSharp(bytes, format));
  checkSize(width, height, limits);
  if (truncation) throw new InvalidImageError(`The ${name} image is incomplete: ${truncation}.`);
  return { format, width, height, upright };
}

/** The header as libvips reads it: every format, and the JPEGs and PNGs readDeclaredSize leaves. */
async function readWithSharp(bytes: Uint8Array, format: AcceptedFormat): Promise<DeclaredSize> {
  const name = format.toUpperCase();
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false, pages: 1 }).metadata();
  } catch (error) {
    const reason = headerFailureReason(format, (error as Error).message);
    throw new InvalidImageError(`The ${name} image could not be read: ${reason}.`);
  }
  const width = meta.width;
  const height = meta.pageHeight ?? meta.height;
  if (!width || !height) throw new InvalidImageError(`The ${name} image has no dimensions.`);
  return { width, height, upright: meta.autoOrient };
}

function checkSize(width: number, height: number, limits: ProbeLimits): void {
  if (Math.max(width, height) > limits.maxSide) {
    throw new ImageTooLargeError(
      `The image is ${width}x${height}; the longest side may be ${limits.maxSide} pixels.`,
    );
  }
  if (width * height > limits.maxInputPixels) {
    throw new ImageTooLargeError(
      `The image is ${width}x${height} (${width * height} pixels); the limit is ${limits.maxInputPixels} pixels.`,
    );
  }
}
