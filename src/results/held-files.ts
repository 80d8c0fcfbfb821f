interface Held {
  bytes: Buffer;
  /** Not yet known to be on disk: never evicted, only dropped with its job. */
  pinned: boolean;
}

/**
 * Result files kept in memory, by path: each job's outputs from the moment
 * they exist until they are on disk (pinned), then among the most recently
 * written, up to `cacheBytes` (least recently used evicted first). A job is
 * done, and its push goes out, without waiting on the disk, and the download
 * that usually follows at once is served without reading it back.
 */
export class HeldFiles {
  /** In least-recently-used order: Map keeps insertion order, and a read re-inserts. */
  private readonly entries = new Map<string, Held>();
  private cachedBytes = 0;
  private pinnedTotal = 0;

  constructor(private readonly cacheBytes: number) {}

  /** Bytes waiting for the disk, or held because writing them failed. */
  get pinnedBytes(): number {
    return this.pinnedTotal;
  }

  get(path: string): Buffer | undefined {
    const held = this.entries.get(path);
    if (held && !held.pinned) {
      this.entries.delete(path);
      this.entries.set(path, held);
    }
    return held?.bytes;
  }

  pin(path: string, bytes: Buffer): void {
    this.drop(path);
    this.entries.set(path, { bytes, pinned: true });
    this.pinnedTotal += bytes.length;
  }

  /** The file is on disk: its bytes become evictable. */
  unpin(path: string): void {
    const held = this.entries.get(path);
    if (!held?.pinned) return;
    held.pinned = false;
    this.pinnedTotal -= held.bytes.length;
    this.cachedBytes += held.bytes.length;
    for (const [oldest, entry] of this.entries) {
      if (this.cachedBytes <= this.cacheBytes) break;
      if (!entry.pinned) this.drop(oldest);
    }
  }

  drop(path: string): void {
    const held = this.entries.get(path);
    if (!held) return;
    this.entries.delete(path);
    if (held.pinned) this.pinnedTotal -= held.bytes.length;
    else this.cachedBytes -= held.bytes.length;
  }
}
