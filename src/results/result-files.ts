import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FORMAT_INFO } from '../inference/pipeline/result-formats';
import { DEFAULT_COLORMAP } from '../inference/pipeline/render-options';
import { normaliseSpec, type RenderSpec, specKey } from '../inference/pipeline/render-spec';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isJobId(value: string): boolean {
  return UUID_V4.test(value);
}

/** A rendering; parameters left out take their defaults. */
export type RenderKind = Pick<RenderSpec, 'format'> & Partial<RenderSpec>;

/** The raw model output, the uploaded photo, or one rendering of the depth. */
export type ResultFileKind = 'depth.f32' | 'original' | RenderKind;

const FIXED_KINDS = ['depth.f32', 'original'] as const;

/**
 * A rendering's file suffix: readable for the plain ones (`inferno.png`, as
 * the worker writes it; `gray16.png`; `depth.npy`), with a digest of the whole
 * spec appended for any other parameter, so every spec has its own file.
 */
function renderSuffix(kind: RenderKind): string {
  const spec = normaliseSpec({
    colormap: DEFAULT_COLORMAP,
    invert: false,
    sideBySide: false,
    ...kind,
  });
  const info = FORMAT_INFO[spec.format];
  const stem = info.params.includes('colormap')
    ? spec.colormap
    : spec.format === 'png16'
      ? 'gray16'
      : 'depth';
  const plain = !spec.invert && !spec.sideBySide && spec.range === undefined;
  const known = ['format', 'colormap', 'invert', 'sideBySide', 'range'];
  const extra = Object.keys(spec).some((field) => !known.includes(field));
  if (plain && !extra) return `${stem}.${info.extension}`;
  // Hashed only when named by it: every job's files pass through here on the hot path.
  const digest = createHash('sha256').update(specKey(spec)).digest('hex').slice(0, 16);
  return `${stem}.${digest}.${info.extension}`;
}

function suffix(kind: ResultFileKind): string {
  return typeof kind === 'string' ? kind : renderSuffix(kind);
}

/**
 * Paths under the private results directory. Names are built only from
 * server-generated UUIDs and fixed words or digests, never from anything the
 * client sent. Renderings written for a job are remembered, least recently
 * used first, so that expiry removes them all and a cap can evict the oldest.
 */
export class ResultFiles {
  private readonly renders = new Map<string, Set<string>>();

  constructor(readonly dir: string) {}

  path(id: string, kind: ResultFileKind): string {
    if (!isJobId(id)) throw new Error(`Refusing to build a result path for "${id}".`);
    return join(this.dir, `${id}.${suffix(kind)}`);
  }

  async write(id: string, kind: ResultFileKind, bytes: Uint8Array): Promise<void> {
    const path = this.path(id, kind);
    await writeFile(path, bytes, { mode: 0o600 });
    if (typeof kind !== 'string') this.touch(id, kind);
  }

  /** Marks a rendering as just used. */
  touch(id: string, kind: RenderKind): void {
    const path = this.path(id, kind);
    const used = this.renders.get(id) ?? new Set<string>();
    used.delete(path);
    used.add(path);
    this.renders.set(id, used);
  }

  /** Deletes the least recently used renderings beyond `keep`; returns how many went. */
  async evict(id: string, keep: number): Promise<number> {
    const used = [...(this.renders.get(id) ?? [])];
    const gone = used.slice(0, Math.max(0, used.length - keep));
    for (const path of gone) this.renders.get(id)?.delete(path);
    await Promise.all(gone.map((path) => rm(path, { force: true })));
    return gone.length;
  }

  async removeAll(id: string): Promise<void> {
    const paths = [
      ...FIXED_KINDS.map((kind) => this.path(id, kind)),
      ...(this.renders.get(id) ?? []),
    ];
    this.renders.delete(id);
    await Promise.all(paths.map((path) => rm(path, { force: true })));
  }

  /** Creates the directory, owner-only, and drops results left by an earlier process. */
  async prepare(): Promise<number> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // mkdir leaves an existing directory's mode alone; results are private either way.
    await chmod(this.dir, 0o700);
    const stale = (await readdir(this.dir)).filter((name) => isJobId(name.split('.')[0]));
    await Promise.all(stale.map((name) => rm(join(this.dir, name), { force: true })));
    return stale.length;
  }
}
