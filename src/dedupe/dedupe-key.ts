import { webcrypto } from 'node:crypto';

/**
 * The parameters that change a result, besides the bytes. Renderings (heatmap
 * format, colormap) are conversions of the same stored depth and do not belong
 * here; a request option that changes the depth itself (another model, say)
 * must be added, or uploads that differ in it would share one result.
 */
export interface DedupeParams {
  /** sha256 of the loaded model file. */
  model: string;
  [name: string]: string | number | boolean;
}

/** Digest slice: a bigger one copies more per event-loop turn, a smaller one costs more calls. */
export const DIGEST_CHUNK_BYTES = 1024 * 1024;

/**
 * SHA-256 over the SHA-256s of the bytes' 1 MiB chunks, as hex. subtle.digest
 * hashes on libuv's threadpool but first copies its whole input on the event
 * loop (a 20 MB upload blocked it for 3-70 ms, about as long as hashing it
 * there); chunks keep each copy small. Chunk size is fixed and every chunk is
 * hashed, so two different inputs collide only if SHA-256 does.
 */
export async function contentDigest(bytes: Uint8Array): Promise<string> {
  const count = Math.max(1, Math.ceil(bytes.length / DIGEST_CHUNK_BYTES));
  const digests = new Uint8Array(count * 32);
  for (let i = 0; i < count; i++) {
    const chunk = bytes.subarray(i * DIGEST_CHUNK_BYTES, (i + 1) * DIGEST_CHUNK_BYTES);
    // One at a time: issuing them all at once would copy every chunk in the same turn.
    digests.set(new Uint8Array(await webcrypto.subtle.digest('SHA-256', chunk)), i * 32);
  }
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', digests)).toString('hex');
}

/** The index key for a content digest and the parameters it was run with, in any key order. */
export function dedupeKey(contentSha256: string, params: DedupeParams): string {
  const entries = Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([contentSha256, entries]);
}
