import type { AcceptedFormat } from './image-probe';

/**
 * Cheap structural checks that catch a truncated upload before it is queued,
 * without decoding a pixel: a JPEG must reach an end-of-image marker after
 * its first scan, and a PNG must reach its IEND chunk (libwebp already refuses
 * a cut WebP header). Corruption inside the compressed data cannot be
 * seen this way; the worker's strict decode is the backstop for that.
 * Returns why the file is incomplete, or undefined when it looks whole.
 */
export function findTruncation(format: AcceptedFormat, bytes: Uint8Array): string | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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
  // Walk the header's marker segments to the first start-of-scan. In the
  // entropy-coded data after it every 0xFF is stuffed or a marker, so an
  // FF D9 found there is the real end of image.
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return 'the header is damaged';
    const marker = b[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
    } else if (marker === 0xda) {
      return b.indexOf(EOI, i + 2) === -1 ? 'it ends before its end-of-image marker' : undefined;
    } else if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2; // markers without a length
    } else {
      i += 2 + b.readUInt16BE(i + 2);
    }
  }
  return 'it ends before its image data';
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
