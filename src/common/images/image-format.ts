/** The formats admission accepts, by their magic bytes. */
export type AcceptedFormat = 'jpeg' | 'png' | 'webp' | 'tiff' | 'gif';

const SIGNATURES: { format: AcceptedFormat; test: (b: Uint8Array) => boolean }[] = [
  { format: 'jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { format: 'png', test: (b) => ascii(b, 0, 8) === '\x89PNG\r\n\x1a\n' },
  { format: 'gif', test: (b) => ['GIF87a', 'GIF89a'].includes(ascii(b, 0, 6)) },
  { format: 'webp', test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP' },
  { format: 'tiff', test: (b) => ['II*\0', 'MM\0*'].includes(ascii(b, 0, 4)) },
];

/**
 * Decides the format from the magic bytes alone; names and Content-Type are
 * ignored. Plain code with no Nest in it, so worker threads use it too.
 */
export function sniffFormat(bytes: Uint8Array): AcceptedFormat | undefined {
  return SIGNATURES.find((signature) => signature.test(bytes))?.format;
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}
