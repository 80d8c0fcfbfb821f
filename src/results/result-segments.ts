import { SegmentFile } from './segment-file';

/** A segment takes appends until it holds this much, or has been open this long. */
export interface SegmentLimits {
  bytes: number;
  ageMs: number;
}

const DEFAULT_LIMITS: SegmentLimits = { bytes: 64 * 2 ** 20, ageMs: 60_000 };

/**
 * One group's blobs, back to back in one segment. A single small record per
 * group: the index holds one per job for the whole TTL (a record per blob,
 * keyed by path, cost 1.4 kB per job, enough to show in the soak's RSS).
 */
interface Placement {
  segment: SegmentFile;
  start: number;
  /** Blob names in order; '' once dropped (its length still counts for the offsets after it). */
  names: string[];
  lengths: number[];
}

/**
 * Blobs appended to a few shared files rather than one file each. On the
 * disks measured here creating a file costs about 0.4 ms of kernel time,
 * twenty times the write of a 60 kB result, and a job used to create three;
 * one positioned writev per job replaces three opens, writes and closes.
 *
 * A segment is deleted as soon as its last blob is dropped, and takes appends
 * for a minute at most. Its blobs, written in that minute, expire within a
 * minute of each other, so a dropped blob's bytes outlive it by about that
 * long; `rehome` moves out the rare group that lives on (see there).
 */
export class ResultSegments {
  private readonly index = new Map<string, Placement>();
  private readonly segments = new Set<SegmentFile>();
  private readonly removals = new Set<Promise<void>>();
  private active?: SegmentFile;
  private opened = 0;

  constructor(
    private readonly dir: string,
    private readonly limits: SegmentLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Stores a group's named blobs (replacing the group if already there) and
   * resolves once they are on disk. If the write fails they are dropped.
   */
  async append(group: string, blobs: [string, Uint8Array][]): Promise<void> {
    const placement = this.place(blobs);
    this.install(group, placement);
    try {
      await this.write(placement, blobs);
    } catch (error) {
      if (this.index.get(group) === placement) this.index.delete(group);
      await this.release(placement);
      throw error;
    }
  }

  has(group: string, name: string): boolean {
    return this.index.get(group)?.names.includes(name) ?? false;
  }

  /** A blob's bytes, or undefined when none is stored under the name. */
  async read(group: string, name: string): Promise<Buffer | undefined> {
    const placement = this.index.get(group);
    const i = placement?.names.indexOf(name) ?? -1;
    if (!placement || i < 0) return undefined;
    const { lengths } = placement;
    const offset = lengths.slice(0, i).reduce((sum, length) => sum + length, placement.start);
    return placement.segment.read(lengths[i], offset);
  }

  /** Forgets a blob; resolves once its segment is deleted, if this was its last. */
  async drop(group: string, name: string): Promise<void> {
    const placement = this.index.get(group);
    const i = placement?.names.indexOf(name) ?? -1;
    if (!placement || i < 0) return;
    placement.names[i] = '';
    placement.segment.live -= 1;
    if (placement.names.every((n) => n === '')) this.index.delete(group);
    await this.removeIfEmpty(placement.segment);
  }

  /**
   * Copies groups that outlived their segment's TTL to the active segment, so
   * that the old file can go: a dedupe hit restarts a job's TTL, and that job
   * must not keep its neighbours' expired bytes on disk. A segment's groups are
   * due within its minute of appends of the TTL (two, to allow for the sweep's
   * period). A group is switched over only once its copy is written, and keeps
   * only the blobs not dropped meanwhile. Returns how many groups moved.
   */
  async rehome(ttlMs: number): Promise<number> {
    const before = this.now() - ttlMs - 2 * this.limits.ageMs;
    // Checked against the few segments first: the index holds every job of the TTL.
    if (![...this.segments].some((segment) => segment.openedAt < before)) return 0;
    const stale = [...this.index].filter(([, placement]) => placement.segment.openedAt < before);
    let moved = 0;
    for (const [group, old] of stale) {
      const names = old.names.filter((name) => name !== '');
      const bytes = await Promise.all(names.map((name) => this.read(group, name))).catch(() => []);
      if (bytes.length !== names.length || bytes.some((b) => !b)) continue;
      const copy = this.place(names.map((name, i) => [name, bytes[i]!]));
      const wrote = await this.write(
        copy,
        names.map((name, i) => [name, bytes[i]!]),
      ).then(
        () => true,
        () => false,
      );
      if (wrote && this.index.get(group) === old) {
        // Blobs dropped while the copy was made stay dropped.
        copy.names.forEach((name, i) => {
          if (old.names.includes(name)) return;
          copy.names[i] = '';
          copy.segment.live -= 1;
        });
        this.install(group, copy);
        moved += 1;
      } else {
        await this.release(copy);
      }
    }
    return moved;
  }

  /** Closes every segment file, leaving them for the next start to clear. */
  async close(): Promise<void> {
    this.active = undefined;
    const open = [...this.segments].filter((segment) => !segment.removal);
    await Promise.all(open.map((segment) => segment.close()));
  }

  /** Every segment deletion started so far has finished. */
  async settled(): Promise<void> {
    while (this.removals.size > 0) await Promise.all(this.removals);
  }

  /** Room for the blobs at the end of the active segment; they count as live from now. */
  private place(blobs: [string, Uint8Array][]): Placement {
    const lengths = blobs.map(([, bytes]) => bytes.byteLength);
    const total = lengths.reduce((sum, length) => sum + length, 0);
    const segment = this.segmentFor(total);
    const placement = { segment, start: segment.size, names: blobs.map(([name]) => name), lengths };
    segment.size += total;
    segment.live += blobs.length;
    return placement;
  }

  private install(group: string, placement: Placement): void {
    const old = this.index.get(group);
    this.index.set(group, placement);
    if (old) void this.release(old);
  }

  /** Gives up a placement's blobs that are still live. */
  private release(placement: Placement): Promise<void> {
    placement.names.forEach((name, i) => {
      if (name === '') return;
      placement.names[i] = '';
      placement.segment.live -= 1;
    });
    return this.removeIfEmpty(placement.segment);
  }

  private async write(placement: Placement, blobs: [string, Uint8Array][]): Promise<void> {
    const { segment, start } = placement;
    const buffers = blobs.map(([, bytes]) => bytes);
    try {
      await segment.write(buffers, start);
    } catch (error) {
      // A segment that failed once (no directory, a full disk) takes no more appends.
      if (this.active === segment) this.active = undefined;
      throw error;
    }
  }

  private segmentFor(bytes: number): SegmentFile {
    const active = this.active;
    const now = this.now();
    const full = active && active.size > 0 && active.size + bytes > this.limits.bytes;
    if (active && !full && now - active.openedAt < this.limits.ageMs) return active;
    this.opened += 1;
    this.active = new SegmentFile(this.dir, now, this.opened, (segment) => {
      void this.removeIfEmpty(segment);
    });
    this.segments.add(this.active);
    if (active) void this.removeIfEmpty(active);
    return this.active;
  }

  /**
   * Deletes a segment nothing refers to, writes or reads, the active one
   * included: an idle service keeps no dropped bytes on disk.
   */
  private removeIfEmpty(segment: SegmentFile): Promise<void> {
    if (!segment.unused) return segment.removal ?? Promise.resolve();
    if (this.active === segment) this.active = undefined;
    if (segment.removal) return segment.removal;
    this.segments.delete(segment);
    const removal = segment.remove();
    this.removals.add(removal);
    void removal.finally(() => this.removals.delete(removal));
    return removal;
  }
}
