import type { UprightSize } from '../inference/inference.types';
import type { AcceptedFormat } from '../common/images/image-format';
import { jpegDeclaredSize } from './jpeg-header';
import { pngDeclaredSize } from './png-header';

/** The size an image header declares, and the size once its EXIF orientation is applied. */
export interface DeclaredSize {
  width: number;
  height: number;
  upright: UprightSize;
}

/**
 * The declared size of a plain JPEG or PNG, read here in microseconds. sharp's
 * header read goes through libuv's pool and back, about 0.7 ms on every
 * upload's path (BENCHMARKS.md, fifteenth session). Undefined for any header
 * these readers do not vouch for: sharp reads those and stays the judge of odd
 * files, so one it cannot read is still refused with a 400 at upload.
 */
export function readDeclaredSize(
  format: AcceptedFormat,
  bytes: Uint8Array,
): DeclaredSize | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'jpeg') return jpegDeclaredSize(b);
  if (format === 'png') return pngDeclaredSize(b);
  return undefined;
}
