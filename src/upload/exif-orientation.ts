/**
 * The EXIF orientation of a JPEG's APP1 payload, read the way the worker's
 * native decoder reads it (native/decode.c), so that admission and the worker
 * agree on which photos are upright.
 */
import type { UprightSize } from '../inference/inference.types';

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');
const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

/**
 * 'none' when the payload is not EXIF (XMP and others share APP1); the
 * orientation 1-8 when IFD0 holds it as the standard's one SHORT (1 when it
 * has none); undefined for any other layout, which libexif may read its own
 * way (sharp is asked then).
 */
export function exifOrientation(payload: Buffer): number | 'none' | undefined {
  if (payload.length < EXIF_HEADER.length || !payload.subarray(0, 6).equals(EXIF_HEADER)) {
    return 'none';
  }
  const tiff = payload.subarray(EXIF_HEADER.length);
  if (tiff.length < 8) return undefined;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const little = order === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd < 8 || ifd + 2 > tiff.length) return undefined;
  const count = u16(ifd);
  if (ifd + 2 + count * 12 > tiff.length) return undefined;
  const found: number[] = [];
  for (let entry = ifd + 2; entry < ifd + 2 + count * 12; entry += 12) {
    if (u16(entry) !== ORIENTATION_TAG) continue;
    if (u16(entry + 2) !== SHORT || u32(entry + 4) !== 1) return undefined;
    found.push(u16(entry + 8));
  }
  if (found.length === 0) return 1;
  const [orientation] = found;
  return found.length === 1 && orientation >= 1 && orientation <= 8 ? orientation : undefined;
}

/** Orientations 5-8 turn the image by a quarter, so its sides swap. */
export function uprightSize(width: number, height: number, orientation: number): UprightSize {
  return orientation >= 5 ? { width: height, height: width } : { width, height };
}
