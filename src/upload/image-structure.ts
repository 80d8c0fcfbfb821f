import type { AcceptedFormat } from './image-probe';
import { exceedsScans, walkHeader } from './jpeg-markers';
import { findInflationBomb } from './png-chunks';

/**
 * Real JPEG headers hold a few dozen segments; even a 255-chunk ICC profile
 * plus extended XMP stays far under this. libjpeg keeps saved APP markers in a
 * list it walks to the end for each new one, so a header of tens of thousands
 * of tiny APP1 segments costs seconds of decoder time (30,000 took 2 s, 180 kB).
 */
export const MAX_JPEG_HEADER_SEGMENTS = 1024;
const CROWDED = `it has more than ${MAX_JPEG_HEADER_SEGMENTS} marker segments before its image data`;

/**
 * Encoders write up to a dozen or so progressive scans; libjpeg-turbo's own
 * fuzzers stop at 500. Each scan passes over the whole image, so a crafted
 * file of a few hundred single-coefficient scans over 48 MP took the decoder
 * 4.2 s for 458 kB, where a baseline JPEG of that size decodes in a fraction.
 */
export const MAX_JPEG_SCANS = 100;

/**
 * Checked before any decoder reads the file: returns why it is built to make
 * decoders slow, or undefined.
 */
export async function findDecoderBomb(
  format: AcceptedFormat,
  bytes: Uint8Array,
): Promise<string | undefined> {
  const b = asBuffer(bytes);
  if (format === 'png') return findInflationBomb(b);
  if (format !== 'jpeg') return undefined;
  if (walkHeader(b, MAX_JPEG_HEADER_SEGMENTS).end === 'crowded') return CROWDED;
  if (exceedsScans(b, MAX_JPEG_SCANS)) return `it has more than ${MAX_JPEG_SCANS} scans`;
  return undefined;
}

/**
 * Cheap structural checks that catch a truncated upload before it is queued,
 * without decoding a pixel: a JPEG must reach an end-of-image marker after
 * its first scan, and a PNG must reach its IEND chunk (libwebp already refuses
 * a cut WebP header). Corruption inside the compressed data cannot be
 * seen this way; the worker's strict decode is the backstop for that.
 * Returns why the file is incomplete, or undefined when it looks whole.
 */
export function findTruncation(format: AcceptedFormat, bytes: Uint8Array): string | undefined {
  const buffer = asBuffer(bytes);
  switch (format) {
    case 'jpeg':
      return jpegTruncation(buffer);
    case 'png':
      return pngTruncation(buffer);
    default:
      // GIF is read to its first frame and TIFF is offset-based: both are left to the decoder.
      return undefined;
  }
}

const EOI = Buffer.from([0xff, 0xd9]);

function jpegTruncation(b: Buffer): string | undefined {
  const walk = walkHeader(b, MAX_JPEG_HEADER_SEGMENTS);
  switch (walk.end) {
    case 'scan':
      // In the entropy-coded data after the first start-of-scan every 0xFF is
      // stuffed or a marker, so an FF D9 found there is the real end of image.
      return b.indexOf(EOI, walk.at + 2) === -1
        ? 'it ends before its end-of-image marker'
        : undefined;
    case 'damaged':
      return 'the header is damaged';
    case 'crowded':
      return CROWDED;
    case 'short':
      return 'it ends before its image data';
  }
}

function pngTruncation(b: Buffer): string | undefined {
  let i = 8;
  while (i + 8 <= b.length) {
    const length = b.readUInt32BE(i);
    const type = b.toString('latin1', i + 4, i + 8);
    i += 12 + length;
    if (i > b.length) return `it ends inside its ${type} chunk`;
    if (type === 'IEND') return undefined;
  }
  return 'it ends before its IEND chunk';
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
