import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COLORMAP_NAMES, type ColormapName } from '../inference/pipeline/colormap';
import type { HeatmapFormat } from '../inference/pipeline/postprocess';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isJobId(value: string): boolean {
  return UUID_V4.test(value);
}

/** The raw model output, or one rendering of it. */
export type ResultFileKind = 'depth.f32' | { format: HeatmapFormat; colormap: ColormapName };

const EXTENSIONS: Record<HeatmapFormat, string> = { png: 'png', jpeg: 'jpg' };

/** Every file a job can have, so expiry removes renders made on demand too. */
const ALL_KINDS: ResultFileKind[] = [
  'depth.f32',
  ...COLORMAP_NAMES.flatMap((colormap) =>
    (Object.keys(EXTENSIONS) as HeatmapFormat[]).map((format) => ({ format, colormap })),
  ),
];

function suffix(kind: ResultFileKind): string {
  return kind === 'depth.f32' ? kind : `${kind.colormap}.${EXTENSIONS[kind.format]}`;
}

/**
 * Paths under the private results directory. Names are built only from
 * server-generated UUIDs, never from anything the client sent.
 */
export class ResultFiles {
  constructor(readonly dir: string) {}

  path(id: string, kind: ResultFileKind): string {
    if (!isJobId(id)) throw new Error(`Refusing to build a result path for "${id}".`);
    return join(this.dir, `${id}.${suffix(kind)}`);
  }

  async write(id: string, kind: ResultFileKind, bytes: Uint8Array): Promise<void> {
    await writeFile(this.path(id, kind), bytes, { mode: 0o600 });
  }

  async removeAll(id: string): Promise<void> {
    await Promise.all(ALL_KINDS.map((kind) => rm(this.path(id, kind), { force: true })));
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
