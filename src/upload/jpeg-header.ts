import { exifOrientation, uprightSize } from './exif-orientation';
import type { DeclaredSize } from './image-header';
import { MAX_JPEG_HEADER_SEGMENTS } from './image-structure';
import { walkHeader } from './jpeg-markers';

/** Baseline, extended and progressive Huffman frames: what cameras and encoders write. */
const FRAMES = [0xc0, 0xc1, 0xc2];
const DHT = 0xc4;
const DQT = 0xdb;
const DRI = 0xdd;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP14 = 0xee;
const APP15 = 0xef;
const COM = 0xfe;
/** libjpeg's JPEG_MAX_DIMENSION. */
const MAX_SIDE = 65_500;

interface Frame {
  width: number;
  height: number;
  componentIds: number[];
}

interface Seen {
  frame?: Frame;
  orientation?: number;
}

/**
 * The size of an 8-bit Huffman JPEG whose header libjpeg reads without a
 * complaint: only the segment kinds photos hold, each well formed, one frame,
 * at most one EXIF block, then a scan over the frame's components.
 */
export function jpegDeclaredSize(b: Buffer): DeclaredSize | undefined {
  const seen: Seen = {};
  let plain = true;
  const walk = walkHeader(b, MAX_JPEG_HEADER_SEGMENTS, (marker, at) => {
    const length = b.readUInt16BE(at + 2);
    plain &&= length >= 2 && at + 2 + length <= b.length;
    plain &&= plainSegment(marker, b.subarray(at + 4, at + 2 + length), seen);
  });
  const { frame } = seen;
  if (!plain || !frame || walk.end !== 'scan' || !scanFits(b, walk.at, frame)) return undefined;
  const { width, height } = frame;
  return { width, height, upright: uprightSize(width, height, seen.orientation ?? 1) };
}

function plainSegment(marker: number, body: Buffer, seen: Seen): boolean {
  if (FRAMES.includes(marker)) {
    if (seen.frame) return false;
    seen.frame = readFrame(body);
    return seen.frame !== undefined;
  }
  switch (marker) {
    case DQT:
      // 8-bit tables (Pq 0) numbered 0-3: one id byte and 64 entries each.
      return tablesFit(body, (at) => (body[at] <= 3 ? 65 : undefined));
    case DHT:
      return tablesFit(body, (at) => huffmanTableLength(body, at));
    case DRI:
      return body.length === 2;
    case APP0:
      // libjpeg warns about a JFIF major version it does not know, and a warning fails sharp.
      return body.toString('latin1', 0, 5) !== 'JFIF\0' || body[5] === 1;
    case APP1: {
      const found = exifOrientation(body);
      if (found === 'none') return true;
      if (found === undefined || seen.orientation !== undefined) return false;
      seen.orientation = found;
      return true;
    }
    case APP14:
      // Adobe's marker decides the colour transform; sharp reads those files.
      return false;
    default:
      return (marker > APP0 && marker <= APP15) || marker === COM;
  }
}

/** SOF: precision, height, width, then an id, sampling factors and a table per component. */
function readFrame(body: Buffer): Frame | undefined {
  if (body.length < 6 || body[0] !== 8) return undefined;
  const height = body.readUInt16BE(1);
  const width = body.readUInt16BE(3);
  const components = body[5];
  if (components !== 1 && components !== 3) return undefined;
  if (body.length !== 6 + 3 * components) return undefined;
  if (width === 0 || height === 0 || width > MAX_SIDE || height > MAX_SIDE) return undefined;
  const componentIds: number[] = [];
  for (let at = 6; at < body.length; at += 3) {
    const [h, v] = [body[at + 1] >> 4, body[at + 1] & 15];
    if (h < 1 || h > 4 || v < 1 || v > 4 || body[at + 2] > 3) return undefined;
    componentIds.push(body[at]);
  }
  return new Set(componentIds).size === components ? { width, height, componentIds } : undefined;
}

/** A segment made of whole tables, each `lengthAt` its start (undefined: malformed). */
function tablesFit(body: Buffer, lengthAt: (at: number) => number | undefined): boolean {
  let at = 0;
  while (at < body.length) {
    const length = lengthAt(at);
    if (length === undefined || at + length > body.length) return false;
    at += length;
  }
  return body.length > 0;
}

/** DHT: class and id, 16 code counts, then that many symbols (at most 256). */
function huffmanTableLength(body: Buffer, at: number): number | undefined {
  if (at + 17 > body.length || body[at] >> 4 > 1 || (body[at] & 15) > 3) return undefined;
  let symbols = 0;
  for (let i = 1; i <= 16; i++) symbols += body[at + i];
  return symbols <= 256 ? 17 + symbols : undefined;
}

/** SOS: its length matches its 1-4 components, each one of the frame's, none twice. */
function scanFits(b: Buffer, at: number, frame: Frame): boolean {
  if (at + 5 > b.length) return false;
  const length = b.readUInt16BE(at + 2);
  const components = b[at + 4];
  if (components < 1 || components > 4 || length !== 6 + 2 * components) return false;
  if (at + 2 + length > b.length) return false;
  const ids = Array.from({ length: components }, (_, i) => b[at + 5 + 2 * i]);
  return new Set(ids).size === components && ids.every((id) => frame.componentIds.includes(id));
}
