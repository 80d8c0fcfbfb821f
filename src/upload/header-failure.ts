import type { AcceptedFormat } from './image-probe';

/** sharp's words before libvips' text. */
const SHARP_PREFIX = /^Input buffer has corrupt header:\s*/;

/** Said when libvips gave no reason of its own. */
const NO_REASON = 'its header is damaged or incomplete';

/**
 * Why a header could not be read, as a user should read it (no final stop).
 * libvips' messages repeat lines (a damaged JPEG header gives five, two of
 * them distinct), come empty (PNG), or say "unsupported format" for a file
 * whose signature is fine (a truncated TIFF). And libvips keeps one error
 * buffer for every thread, so while workers decode, a line from another image
 * can land here or this one's can go missing: 2 to 7 of 60 broken WebP
 * headers, read beside broken TIFF headers and damaged JPEG decodes (three
 * runs, sharp 0.35). So only lines from this format's own loader are kept
 * (libvips tags each line with it), each once, without the tag; with none
 * left, a plain sentence stands in.
 */
export function headerFailureReason(format: AcceptedFormat, message: string): string {
  const own = new Set<string>();
  for (const raw of message.replace(SHARP_PREFIX, '').split('\n')) {
    const line = raw.trim();
    const colon = line.indexOf(':');
    if (colon <= 0 || !line.slice(0, colon).toLowerCase().includes(format)) continue;
    const text = line
      .slice(colon + 1)
      .trim()
      .replace(/\.$/, '');
    if (text) own.add(text);
  }
  return own.size > 0 ? [...own].join('; ') : NO_REASON;
}
