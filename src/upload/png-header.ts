import { crc32 } from 'node:zlib';
import type { DeclaredSize } from './image-header';

const SIGNATURE_LENGTH = 8;
/** PNG lengths and sides are 31-bit. */
const MAX_U31 = 2 ** 31 - 1;
/** The bit depths each colour type allows. */
const DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
const PALETTE = 3;

interface Header {
  width: number;
  height: number;
  depth: number;
  colourType: number;
}

/**
 * The size of a PNG whose chunks before its image data libspng reads without
 * a complaint: a valid IHDR, then only a palette and the common, fixed-size
 * ancillary chunks, each once and with a correct CRC. An eXIf chunk (whose
 * orientation sharp may apply), text, profiles and the rest go to sharp.
 */
export function pngDeclaredSize(b: Buffer): DeclaredSize | undefined {
  const first = chunkAt(b, SIGNATURE_LENGTH);
  const header = first?.type === 'IHDR' ? readHeader(first.data) : undefined;
  if (!first || !header) return undefined;
  const seen = new Set<string>();
  for (let chunk = chunkAt(b, first.next); chunk?.type !== 'IDAT'; chunk = chunkAt(b, chunk.next)) {
    if (!chunk || seen.has(chunk.type) || !fits(chunk.type, chunk.data, header, seen)) {
      return undefined;
    }
    seen.add(chunk.type);
  }
  if (header.colourType === PALETTE && !seen.has('PLTE')) return undefined;
  const { width, height } = header;
  return { width, height, upright: { width, height } };
}

/** The chunk at `at`, whole and with a matching CRC; image data is only named, not checked. */
function chunkAt(b: Buffer, at: number) {
  if (at + 12 > b.length) return undefined;
  const length = b.readUInt32BE(at);
  const type = b.toString('latin1', at + 4, at + 8);
  const next = at + 12 + length;
  if (length > MAX_U31) return undefined;
  if (type === 'IDAT') return { type, data: b.subarray(0, 0), next };
  if (next > b.length) return undefined;
  if (crc32(b.subarray(at + 4, at + 8 + length)) !== b.readUInt32BE(at + 8 + length)) {
    return undefined;
  }
  return { type, data: b.subarray(at + 8, at + 8 + length), next };
}

function readHeader(data: Buffer): Header | undefined {
  if (data.length !== 13) return undefined;
  const width = data.readUInt32BE(0);
  const height = data.readUInt32BE(4);
  const [depth, colourType, compression, filter, interlace] = data.subarray(8);
  if (width < 1 || width > MAX_U31 || height < 1 || height > MAX_U31) return undefined;
  if (!DEPTHS[colourType]?.includes(depth)) return undefined;
  if (compression !== 0 || filter !== 0 || interlace > 1) return undefined;
  return { width, height, depth, colourType };
}

/** The chunks a plain photo carries, checked as libspng checks them; any other is not vouched for. */
function fits(type: string, data: Buffer, header: Header, seen: Set<string>): boolean {
  switch (type) {
    case 'PLTE': {
      const entries = data.length / 3;
      if (!Number.isInteger(entries) || entries < 1 || entries > 256) return false;
      if (header.colourType === PALETTE) return entries <= 2 ** header.depth;
      return header.colourType === 2 || header.colourType === 6;
    }
    case 'sRGB':
      return !seen.has('PLTE') && data.length === 1 && data[0] <= 3;
    case 'gAMA':
      return !seen.has('PLTE') && data.length === 4 && data.readUInt32BE(0) > 0;
    case 'pHYs':
      return data.length === 9 && data[8] <= 1;
    case 'tIME':
      return data.length === 7 && validTime(data);
    default:
      return false;
  }
}

function validTime(data: Buffer): boolean {
  const [month, day, hour, minute, second] = data.subarray(2);
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60
  );
}
