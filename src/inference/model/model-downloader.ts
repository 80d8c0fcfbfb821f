import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface DownloadSpec {
  url: string;
  /** Absent for a model not pinned yet: the file is kept and its digest returned. */
  sha256?: string;
  /** Expected size, for progress and an early size check; optional for mirrors. */
  bytes?: number;
  target: string;
  /** Abort when no bytes arrive for this long. */
  stallTimeoutMs: number;
}

export type DownloadProgress = (received: number, total: number | undefined) => void;

/**
 * Streams a file to "<target>.<pid>.part", hashing as it goes, and renames it
 * into place only when the sha256 matches, so a partial or tampered download
 * never sits where the service would load it.
 */
export async function downloadVerified(
  spec: DownloadSpec,
  onProgress: DownloadProgress,
): Promise<{ sha256: string; bytes: number }> {
  const logger = new Logger('ModelDownloader');
  const partial = `${spec.target}.${process.pid}.part`;
  const controller = new AbortController();
  let stall = setTimeout(() => controller.abort(), spec.stallTimeoutMs);
  const hash = createHash('sha256');
  let received = 0;
  try {
    const response = await fetch(spec.url, { signal: controller.signal, redirect: 'follow' });
    if (!response.ok || !response.body) {
      throw new Error(`the server answered HTTP ${response.status}`);
    }
    const total = Number(response.headers.get('content-length')) || spec.bytes;
    logger.log(`Downloading ${spec.url} (${total ?? 'unknown'} bytes) to ${spec.target}.`);
    const body = Readable.fromWeb(response.body);
    body.on('data', (chunk: Buffer) => {
      clearTimeout(stall);
      stall = setTimeout(() => controller.abort(), spec.stallTimeoutMs);
      hash.update(chunk);
      received += chunk.length;
      onProgress(received, total);
    });
    await pipeline(body, createWriteStream(partial, { mode: 0o644 }));
    const digest = hash.digest('hex');
    if (spec.sha256 !== undefined && digest !== spec.sha256) {
      throw new Error(`sha256 mismatch: got ${digest}, expected ${spec.sha256}`);
    }
    await rename(partial, spec.target);
    return { sha256: digest, bytes: received };
  } catch (error) {
    await rm(partial, { force: true });
    const reason = controller.signal.aborted
      ? `no data for ${spec.stallTimeoutMs} ms`
      : describe(error);
    throw new Error(`Download of ${spec.url} failed: ${reason}.`);
  } finally {
    clearTimeout(stall);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
