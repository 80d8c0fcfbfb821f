import { inflate } from 'node:zlib';
import { promisify } from 'node:util';

const inflateAsync = promisify(inflate);

/**
 * PNG decoders inflate compressed text (zTXt, compressed iTXt) and the ICC
 * profile (iCCP) even when only the header is asked for. Deflate reaches
 * about 1000:1, so those chunks are where a small file turns into seconds of
 * work: 50 zTXt chunks of 8 kB, each inflating to 8 MB, held sharp's
 * metadata() for 1.8 s. Real profiles and text stay far under these bounds.
 */
export const PNG_COMPRESSED_CHUNK_LIMITS = { count: 64, inflatedBytes: 4 * 1024 * 1024 };

export interface CompressedChunk {
  type: string;
  data: Buffer;
}

/** One walk over the chunks: the compressed ones, and why the file is incomplete if it is. */
export interface Chunks {
  compressed: CompressedChunk[];
  truncation?: string;
}

/**
 * Why the PNG's compressed chunks are unreasonable to hand to a decoder, or
 * undefined. They are inflated here, on libuv's pool, never past the budget.
 */
export async function findInflationBomb(chunks: CompressedChunk[]): Promise<string | undefined> {
  const { count, inflatedBytes } = PNG_COMPRESSED_CHUNK_LIMITS;
  if (chunks.length > count) return `it has more than ${count} compressed text or profile chunks`;
  let budget = inflatedBytes;
  for (const { type, data } of chunks) {
    try {
      budget -= (await inflateAsync(data, { maxOutputLength: Math.max(1, budget) })).length;
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE') {
        return `its ${type} chunk does not inflate`;
      }
      budget = -1;
    }
    if (budget < 0) {
      return `its compressed text and profile chunks inflate past ${inflatedBytes >> 20} MiB`;
    }
  }
  return undefined;
}

/**
 * The zlib streams of the chunks a decoder would inflate, in file order (a
 * chunk cut short by the file's end included), and whether the chunks reach IEND.
 */
export function readChunks(b: Buffer): Chunks {
  const compressed: CompressedChunk[] = [];
  for (let i = 8; i + 8 <= b.length;) {
    const length = b.readUInt32BE(i);
    const type = b.toString('latin1', i + 4, i + 8);
    const data = compressedData(type, b.subarray(i + 8, Math.min(b.length, i + 8 + length)));
    if (data) compressed.push({ type, data });
    i += 12 + length;
    if (i > b.length) return { compressed, truncation: `it ends inside its ${type} chunk` };
    if (type === 'IEND') return { compressed };
  }
  return { compressed, truncation: 'it ends before its IEND chunk' };
}

/** zTXt and iCCP: keyword, NUL, method byte, stream. iTXt: keyword, NUL, flag, method, two strings. */
function compressedData(type: string, body: Buffer): Buffer | undefined {
  if (type !== 'zTXt' && type !== 'iCCP' && type !== 'iTXt') return undefined;
  const keywordEnd = body.indexOf(0);
  if (keywordEnd === -1) return undefined;
  if (type !== 'iTXt') return body.subarray(keywordEnd + 2);
  if (body[keywordEnd + 1] !== 1) return undefined; // uncompressed text
  const languageEnd = body.indexOf(0, keywordEnd + 3);
  const translatedEnd = languageEnd === -1 ? -1 : body.indexOf(0, languageEnd + 1);
  return translatedEnd === -1 ? undefined : body.subarray(translatedEnd + 1);
}
