import type { AcceptedFormat } from '../common/images/image-format';
import { exceedsScans, walkHeader } from './jpeg-markers';
import { findInflationBomb, readChunks } from './png-chunks';

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

/** What one walk over the file's structure found; no pixel is decoded. */
export interface Structure {
  /** Why the file is built to make decoders slow: refused before any decoder reads it. */
  bomb?: string;
  /**
   * Why the file is incomplete: a JPEG must reach an end-of-image marker after
   * its first scan, and a PNG its IEND chunk (libwebp already refuses a cut
   * WebP header). Refused after the size checks, so an oversized file says so
   * first. Damage inside the compressed data cannot be seen this way; the
   * worker's strict decode is the backstop for that.
   */
  truncation?: string;
}

/** One walk per upload over the markers or chunks, for both verdicts. */
export async function inspectStructure(
  format: AcceptedFormat,
  bytes: Uint8Array,
): Promise<Structure> {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (format) {
    case 'jpeg':
      return inspectJpeg(b);
    case 'png': {
      const { compressed, truncation } = readChunks(b);
      return { bomb: await findInflationBomb(compressed), truncation };
    }
    default:
      // GIF is read to its first frame and TIFF is offset-based: both are left to the decoder.
      return {};
  }
}

const EOI = Buffer.from([0xff, 0xd9]);

function inspectJpeg(b: Buffer): Structure {
  const walk = walkHeader(b, MAX_JPEG_HEADER_SEGMENTS);
  if (walk.end === 'crowded') return { bomb: CROWDED };
  if (exceedsScans(b, MAX_JPEG_SCANS)) return { bomb: `it has more than ${MAX_JPEG_SCANS} scans` };
  switch (walk.end) {
    case 'scan':
      // In the entropy-coded data after the first start-of-scan every 0xFF is
      // stuffed or a marker, so an FF D9 found there is the real end of image.
      return b.indexOf(EOI, walk.at + 2) === -1
        ? { truncation: 'it ends before its end-of-image marker' }
        : {};
    case 'damaged':
      return { truncation: 'the header is damaged' };
    case 'short':
      return { truncation: 'it ends before its image data' };
  }
}
