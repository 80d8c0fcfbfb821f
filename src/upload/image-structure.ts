import type { AcceptedFormat } from './image-probe';

/**
 * Real JPEG headers hold a few dozen segments; even a 255-chunk ICC profile
 * plus extended XMP stays far under this. libjpeg keeps saved APP markers in a
 * list it walks to the end for each new one, so a header of tens of thousands
 * of tiny APP1 segments costs seconds of decoder time (30,000 took 2 s, 180 kB).
 */
export const MAX_JPEG_HEADER_SEGMENTS = 1024;

/**
 * Checked before any decoder reads the header: returns why the header is
 * unreasonable to hand to a decoder, or undefined.
 */
export function findHeaderAbuse(format: AcceptedFormat, bytes: Uint8Array): string | undefined {
  if (format !== 'jpeg') return undefined;
  return walkJpegHeader(asBuffer(bytes)).end === 'crowded'
    ? `it has more than ${MAX_JPEG_HEADER_SEGMENTS} marker segments before its image data`
    : undefined;
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

type HeaderWalk = { end: 'scan'; at: number } | { end: 'damaged' | 'short' | 'crowded' };

/** Walks the header's marker segments to the first start-of-scan. */
function walkJpegHeader(b: Buffer): HeaderWalk {
  let i = 2;
  let segments = 0;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return { end: 'damaged' };
    const marker = b[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (++segments > MAX_JPEG_HEADER_SEGMENTS) return { end: 'crowded' };
    if (marker === 0xda) return { end: 'scan', at: i };
    // Markers without a length, then segments with one.
    i += marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8) ? 2 : 2 + b.readUInt16BE(i + 2);
  }
  return { end: 'short' };
}

function jpegTruncation(b: Buffer): string | undefined {
  const walk = walkJpegHeader(b);
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
      return `it has more than ${MAX_JPEG_HEADER_SEGMENTS} marker segments before its image data`;
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
