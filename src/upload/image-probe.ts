import sharp, { Metadata } from 'sharp';
import {
  ImageTooLargeError,
  InvalidImageError,
  UnsupportedImageError,
} from './errors/image.errors';
import { headerFailureReason } from './header-failure';
import { readDeclaredSize, type DeclaredSize } from './image-header';
import { inspectStructure } from './image-structure';

export type AcceptedFormat = 'jpeg' | 'png' | 'webp' | 'tiff' | 'gif';

/** The worker decodes to `upright` without reading the header again. */
export interface ProbedImage extends DeclaredSize {
  format: AcceptedFormat;
}

export interface ProbeLimits {
  maxInputPixels: number;
  maxSide: number;
}

const SIGNATURES: { format: AcceptedFormat; test: (b: Uint8Array) => boolean }[] = [
  { format: 'jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { format: 'png', test: (b) => ascii(b, 0, 8) === '\x89PNG\r\n\x1a\n' },
  { format: 'gif', test: (b) => ['GIF87a', 'GIF89a'].includes(ascii(b, 0, 6)) },
  { format: 'webp', test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP' },
  { format: 'tiff', test: (b) => ['II*\0', 'MM\0*'].includes(ascii(b, 0, 4)) },
];

/** Decides the format from the magic bytes alone; names and Content-Type are ignored. */
export function sniffFormat(bytes: Uint8Array): AcceptedFormat | undefined {
  return SIGNATURES.find((signature) => signature.test(bytes))?.format;
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

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}
