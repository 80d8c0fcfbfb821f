import { createHash, randomBytes } from 'node:crypto';
import { contentDigest, dedupeKey, DIGEST_CHUNK_BYTES } from './dedupe-key';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

/** The same construction written out with the synchronous hash, as the reference. */
function reference(bytes: Uint8Array): string {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset === 0 || offset < bytes.length; offset += DIGEST_CHUNK_BYTES) {
    chunks.push(sha256(bytes.subarray(offset, offset + DIGEST_CHUNK_BYTES)));
  }
  return sha256(Buffer.concat(chunks)).toString('hex');
}

describe('contentDigest', () => {
  it.each([
    0,
    1,
    DIGEST_CHUNK_BYTES - 1,
    DIGEST_CHUNK_BYTES,
    DIGEST_CHUNK_BYTES + 1,
    3.5 * 2 ** 20,
  ])('is SHA-256 over the SHA-256s of 1 MiB chunks (%d bytes)', async (length) => {
    const bytes = new Uint8Array(randomBytes(length));
    expect(await contentDigest(bytes)).toBe(reference(bytes));
  });

  it('tells inputs one byte or one length apart, and leaves the bytes alone', async () => {
    const bytes = new Uint8Array(randomBytes(2 * DIGEST_CHUNK_BYTES + 10));
    const copy = new Uint8Array(bytes);
    const digest = await contentDigest(bytes);
    expect(Buffer.from(bytes).equals(copy)).toBe(true);
    expect(await contentDigest(copy)).toBe(digest);
    copy[DIGEST_CHUNK_BYTES + 5] ^= 1;
    expect(await contentDigest(copy)).not.toBe(digest);
    expect(await contentDigest(bytes.subarray(0, bytes.length - 1))).not.toBe(digest);
  });

  it('keeps the event loop turning while it hashes 96 MB, unlike a synchronous hash', async () => {
    const bytes = new Uint8Array(randomBytes(96 * 2 ** 20));
    // Best of a few tries on each side, so that a busy machine's pauses are not counted. The
    // input is large because the scheduler alone can stall the loop for ~10 ms on a loaded
    // 2-core host (CI failed once at 20 MB: 11 ms against a 14 ms synchronous hash).
    const syncMs: number[] = [];
    const longestPauseMs: number[] = [];
    for (let i = 0; i < 4; i++) {
      const started = performance.now();
      sha256(bytes);
      syncMs.push(performance.now() - started);
      longestPauseMs.push(await longestPauseDuring(() => contentDigest(bytes)));
    }
    expect(Math.min(...longestPauseMs)).toBeLessThan(Math.min(...syncMs) / 3);
  });
});

/** The longest gap between turns of a 1 ms timer while work runs. */
async function longestPauseDuring(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await new Promise((resolve) => setTimeout(resolve, 5));
  last = performance.now();
  longest = 0;
  await work();
  await new Promise((resolve) => setTimeout(resolve, 3));
  clearInterval(timer);
  return longest;
}

describe('dedupeKey', () => {
  const digest = 'a'.repeat(64);
  const model = 'b'.repeat(64);

  it('is the same for the same digest and parameters, in any order', () => {
    expect(dedupeKey(digest, { model, steps: 2 })).toBe(dedupeKey(digest, { steps: 2, model }));
  });

  it('differs when the content, the model or any parameter differs', () => {
    const key = dedupeKey(digest, { model });
    expect(dedupeKey('c'.repeat(64), { model })).not.toBe(key);
    expect(dedupeKey(digest, { model: 'd'.repeat(64) })).not.toBe(key);
    expect(dedupeKey(digest, { model, steps: 2 })).not.toBe(key);
    expect(dedupeKey(digest, { model, steps: 2 })).not.toBe(
      dedupeKey(digest, { model, steps: '2' }),
    );
  });

  it('cannot be forged by a value that looks like another parameter', () => {
    const forged = dedupeKey(digest, { model, a: '1","b":"2' });
    expect(forged).not.toBe(dedupeKey(digest, { model, a: '1', b: '2' }));
  });
});
