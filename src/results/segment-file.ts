import { type FileHandle, open, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Names of segment files, so that a restart can tell them from anything else. */
export const SEGMENT_NAME = /^segment-\d+-\d+\.bin$/;

/**
 * One segment file: blobs written at the offsets its owner chose and read
 * back by offset. It counts the blobs placed in it and the I/O running on it,
 * so that its owner can delete it as soon as neither is left.
 */
export class SegmentFile {
  /** Bytes placed so far: where the next blob goes. */
  size = 0;
  /** Blobs placed in it and not dropped. */
  live = 0;
  private busy = 0;
  private deletion?: Promise<void>;
  private readonly handle: Promise<FileHandle>;
  readonly path: string;

  /** Creates `segment-<openedAt>-<serial>.bin` in dir; `idle` runs after each read or write. */
  constructor(
    dir: string,
    readonly openedAt: number,
    serial: number,
    private readonly idle: (segment: SegmentFile) => void,
  ) {
    this.path = join(dir, `segment-${openedAt}-${serial}.bin`);
    this.handle = open(this.path, 'wx+', 0o600);
    // Failures surface through the I/O that awaits the handle.
    this.handle.catch(() => undefined);
  }

  /** No blob refers to it and no I/O runs on it. */
  get unused(): boolean {
    return this.live === 0 && this.busy === 0;
  }

  /** Set once deletion has started; resolves when the file is gone or will not go. */
  get removal(): Promise<void> | undefined {
    return this.deletion;
  }

  async write(buffers: Uint8Array[], start: number): Promise<void> {
    const total = buffers.reduce((sum, bytes) => sum + bytes.byteLength, 0);
    const { bytesWritten } = await this.io((handle) => handle.writev(buffers, start));
    if (bytesWritten !== total) {
      throw new Error(`Wrote ${bytesWritten} of ${total} bytes to ${this.path}.`);
    }
  }

  async read(length: number, offset: number): Promise<Buffer> {
    const bytes = Buffer.allocUnsafe(length);
    const { bytesRead } = await this.io((handle) => handle.read(bytes, 0, length, offset));
    if (bytesRead !== length) {
      throw new Error(`Read ${bytesRead} of ${length} bytes from ${this.path}.`);
    }
    return bytes;
  }

  /** Closes and deletes the file; the first call starts it, every call gets the same promise. */
  remove(): Promise<void> {
    this.deletion ??= this.close()
      .then(() => rm(this.path, { force: true }))
      // Nothing to do about a file that will not go; the next start clears the directory.
      .catch(() => undefined);
    return this.deletion;
  }

  close(): Promise<void> {
    return this.handle.then((handle) => handle.close()).catch(() => undefined);
  }

  private async io<T>(run: (handle: FileHandle) => Promise<T>): Promise<T> {
    this.busy += 1;
    try {
      return await run(await this.handle);
    } finally {
      this.busy -= 1;
      this.idle(this);
    }
  }
}
