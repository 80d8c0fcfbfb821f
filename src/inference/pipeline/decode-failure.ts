import type { AcceptedFormat } from '../../common/images/image-format';
import { libvipsReason } from '../../common/images/libvips-reasons';

/**
 * Said for a JPEG whose own cause was lost. JPEGs alone decode failing on
 * warnings, and nearly all of libjpeg's warnings are about damaged data; a
 * few concern metadata (an unknown JFIF revision, say), so this does not
 * claim more.
 */
const DAMAGED_JPEG =
  'Corrupt JPEG data: the decoder warned about the data, most often damaged or truncated image data';

/**
 * Why a photo's pixels could not be decoded, as a user should read it (no
 * final stop): its own decoder's reasons, each once (see libvips-reasons.ts
 * for why the rest of libvips' message is dropped), or a plain sentence for
 * the format when none of them reached this thread.
 */
export function decodeFailureReason(format: AcceptedFormat | undefined, message: string): string {
  if (!format) return message;
  const reason = libvipsReason(format, message);
  if (reason) return reason;
  return format === 'jpeg'
    ? DAMAGED_JPEG
    : `the ${format.toUpperCase()} data is damaged or incomplete`;
}
