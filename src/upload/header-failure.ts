import type { AcceptedFormat } from '../common/images/image-format';
import { libvipsReason } from '../common/images/libvips-reasons';

/** Said when libvips gave no reason of its own. */
const NO_REASON = 'its header is damaged or incomplete';

/**
 * Why a header could not be read, as a user should read it (no final stop).
 * Beside the shared error buffer's mix-ups (see libvips-reasons.ts), a header
 * read repeats lines (a damaged JPEG header gives five, two of them distinct),
 * comes empty (PNG), or says "unsupported format" for a file whose signature
 * is fine (a truncated TIFF): a plain sentence stands in when no reason is left.
 */
export function headerFailureReason(format: AcceptedFormat, message: string): string {
  return libvipsReason(format, message) ?? NO_REASON;
}
