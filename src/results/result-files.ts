import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as afterThisTurn } from 'node:timers/promises';
import { HeldFiles } from './held-files';
import { ResultSegments } from './result-segments';
import { SEGMENT_NAME } from './segment-file';
import {
  FIXED_KINDS,
  isJobId,
  type RenderKind,
  type ResultFileKind,
  suffix,
} from './result-file-names';

export { isJobId, type RenderKind, type ResultFileKind } from './result-file-names';

export interface MemoryLimits {
  /** Recently written files kept for the download that usually follows (about 150 VGA jobs). */
  cacheBytes: number;
  /** Outputs not yet on disk beyond which a save waits for its own writes. */
  backlogBytes: number;
}

const DEFAULT_LIMITS: MemoryLimits = { cacheBytes: 64 * 2 ** 20, backlogBytes: 256 * 2 ** 20 };

/** A save whose writes went on in the background; `written` settles when they are on disk. */
export interface Saved {
  written: Promise<void>;
}

/**
 * Paths under the private results directory. Names are built only from
 * server-generated UUIDs and fixed words or digests, never from anything the
 * client sent. Renderings written for a job are remembered, least recently
 * used first, so that expiry removes them all and a cap can evict the oldest.
 */
export class ResultFiles {
  /** Each job's renderings by name (the file's suffix), least recently used first. */
  private readonly renders = new Map<string, Set<string>>();
  private readonly held: HeldFiles;
  /** A job's own outputs; renderings made later keep a file each (see save). */
  private readonly segments: ResultSegments;
  /** Each job's writes still in progress, so that removal waits for them. */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(
    readonly dir: string,
    private readonly limits: MemoryLimits = DEFAULT_LIMITS,
  ) {
    this.held = new HeldFiles(limits.cacheBytes);
    this.segments = new ResultSegments(dir);
  }

  path(id: string, kind: ResultFileKind): string {
    return this.file(id, suffix(kind));
  }

  async write(id: string, kind: ResultFileKind, bytes: Uint8Array): Promise<void> {
    const path = this.path(id, kind);
    await writeFile(path, bytes, { mode: 0o600 });
    if (typeof kind !== 'string') this.touch(id, kind);
  }

  /**
   * A job's outputs, appended to a shared segment in one write (see
   * ResultSegments; their paths only name them there). Renderings made later
   * get files of their own (`write`): one may show the photo, and must go with
   * its job, not with a segment of jobs that finished later.
   *
   * They are readable at once, from memory, while they are written.
   * Resolves before they are on disk unless the backlog of unwritten bytes
   * is over its limit (a slow or failing disk): then it waits for the writes
   * and fails with them, so memory stays bounded and a job whose files
   * cannot be written is failed rather than done.
   */
  async save(id: string, outputs: [ResultFileKind, Uint8Array][]): Promise<Saved> {
    const blobs = outputs.map(([kind, bytes]): [string, Uint8Array] => [suffix(kind), bytes]);
    const paths = blobs.map(([name, bytes], i) => {
      const path = this.file(id, name);
      this.held.pin(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      if (typeof outputs[i][0] !== 'string') this.used(id, name);
      return path;
    });
    const written = (async () => {
      // Readable from memory already; the write's dispatch can wait until the job's
      // final event is pushed.
      await afterThisTurn();
      await this.segments.append(id, blobs);
      for (const path of paths) this.held.unpin(path);
    })();
    const tracked = written
      .catch(() => undefined)
      .finally(() => {
        if (this.writing.get(id) === tracked) this.writing.delete(id);
      });
    this.writing.set(id, tracked);
    if (this.held.pinnedBytes > this.limits.backlogBytes) await written;
    return { written };
  }

  /** A file's bytes, from memory when held there; undefined when it does not exist. */
  async read(id: string, kind: ResultFileKind): Promise<Buffer | undefined> {
    const name = suffix(kind);
    const path = this.file(id, name);
    const held = this.held.get(path);
    if (held) return held;
    if (this.segments.has(id, name)) return this.segments.read(id, name);
    try {
      return await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Every background write so far has finished (or failed). */
  async flushed(): Promise<void> {
    while (this.writing.size > 0) await Promise.all(this.writing.values());
    await this.segments.settled();
  }

  /** Moves the outputs of jobs that outlived their segment (see ResultSegments.rehome). */
  rehome(ttlMs: number): Promise<number> {
    return this.segments.rehome(ttlMs);
  }

  /** Waits for the writes under way, then closes the segment files. */
  async close(): Promise<void> {
    await this.flushed();
    await this.segments.close();
  }

  /** Marks a rendering as just used. */
  touch(id: string, kind: RenderKind): void {
    this.used(id, suffix(kind));
  }

  /** Deletes the least recently used renderings beyond `keep`; returns how many went. */
  async evict(id: string, keep: number): Promise<number> {
    const used = [...(this.renders.get(id) ?? [])];
    const gone = used.slice(0, Math.max(0, used.length - keep));
    for (const name of gone) {
      this.renders.get(id)?.delete(name);
      this.held.drop(this.file(id, name));
    }
    await this.writing.get(id);
    await Promise.all(gone.map((name) => this.remove(id, name)));
    return gone.length;
  }

  async removeAll(id: string): Promise<void> {
    const names = [...FIXED_KINDS.map((kind) => suffix(kind)), ...(this.renders.get(id) ?? [])];
    this.renders.delete(id);
    for (const name of names) this.held.drop(this.file(id, name));
    // A write still going would recreate its file after the rm.
    await this.writing.get(id);
    await Promise.all(names.map((name) => this.remove(id, name)));
  }

  /** `<dir>/<id>.<name>`: a job's file, or in a segment, the name of its blob. */
  private file(id: string, name: string): string {
    if (!isJobId(id)) throw new Error(`Refusing to build a result path for "${id}".`);
    return join(this.dir, `${id}.${name}`);
  }

  private used(id: string, name: string): void {
    const used = this.renders.get(id) ?? new Set<string>();
    used.delete(name);
    used.add(name);
    this.renders.set(id, used);
  }

  private async remove(id: string, name: string): Promise<void> {
    if (this.segments.has(id, name)) await this.segments.drop(id, name);
    else await rm(this.file(id, name), { force: true });
  }

  /** Creates the directory, owner-only, and drops results left by an earlier process. */
  async prepare(): Promise<number> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // mkdir leaves an existing directory's mode alone; results are private either way.
    await chmod(this.dir, 0o700);
    const stale = (await readdir(this.dir)).filter(
      (name) => isJobId(name.split('.')[0]) || SEGMENT_NAME.test(name),
    );
    await Promise.all(stale.map((name) => rm(join(this.dir, name), { force: true })));
    return stale.length;
  }
}
