import type { AcceptedFormat } from './image-format';

/** sharp's words before libvips' text when a header cannot be read. */
const SHARP_PREFIX = /^Input buffer has corrupt header:\s*/;

/**
 * The reasons libvips gave for failing on an image of this format, each
 * once and joined by "; ", without the loader's tag or a final stop;
 * undefined when it gave none.
 *
 * libvips keeps one error buffer for every thread, so while other images
 * decode beside this one its message can lose its own lines, repeat them,
 * or carry another image's: a damaged JPEG was told "tiff2vips: Using code
 * not yet in table", a damaged PNG only "Unknown error" (75 of 300 damaged
 * JPEG, PNG and TIFF decodes, 6 at a time, had a foreign, untagged or
 * unknown line; sharp 0.35). libvips tags each loader's lines with its name
 * ("VipsJpeg:", "vipspng:", "tiff2vips:", "gifload_buffer:", "webp:"), so
 * only lines whose tag names this format are kept; untagged lines ("error in
 * tile 0 x 104", sharp's failOn notice) say nothing of the cause. A line from
 * another image of the same format cannot be told apart.
 */
export function libvipsReason(format: AcceptedFormat, message: string): string | undefined {
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
  return own.size > 0 ? [...own].join('; ') : undefined;
}
