import sharp, { Metadata } from 'sharp';
import {
  ImageTooLargeError,
  InvalidImageError,
  UnsupportedImageError,
} from './errors/image.errors';

export type AcceptedFormat = 'jpeg' | 'png' | 'webp' | 'tiff' | 'gif';

export interface ProbedImage {
  format: AcceptedFormat;
  width: number;
  height: number;
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
 * then the header's dimensions against the pixel limit. No pixels are decoded.
 */
export async function probeImage(bytes: Uint8Array, maxInputPixels: number): Promise<ProbedImage> {
  const format = sniffFormat(bytes);
  if (!format) {
    throw new UnsupportedImageError(
      'Unsupported image type; send a JPEG, PNG, WebP, TIFF or GIF image.',
    );
  }
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false, pages: 1 }).metadata();
  } catch (error) {
    throw new InvalidImageError(
      `The ${format.toUpperCase()} image could not be read: ${(error as Error).message}`,
    );
  }
  const width = meta.width;
  const height = meta.pageHeight ?? meta.height;
  if (!width || !height)
    throw new InvalidImageError(`The ${format.toUpperCase()} image has no dimensions.`);
  if (width * height > maxInputPixels) {
    throw new ImageTooLargeError(
      `The image is ${width}x${height} (${width * height} pixels); the limit is ${maxInputPixels} pixels.`,
    );
  }
  return { format, width, height };
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}
