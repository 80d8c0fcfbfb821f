import { createHash } from 'node:crypto';
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

export const FIXED_KINDS = ['depth.f32', 'original'] as const;

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

/** What follows the job id in a result file's name. */
export function suffix(kind: ResultFileKind): string {
  return typeof kind === 'string' ? kind : renderSuffix(kind);
}
