import type { DepthRange } from './postprocess';
import { FORMAT_INFO } from './result-formats';
import {
  type ColormapName,
  DEFAULT_COLORMAP,
  type RenderParam,
  type ResultFormat,
} from './render-options';

/**
 * One rendering of a finished job's depth: what the result route, the
 * synchronous endpoint and the render cache all speak. Plain data, so it
 * crosses into the worker as is. A new parameter is a new optional field
 * here, its name in PARAM_FIELDS and in the formats that take it.
 */
export interface RenderSpec {
  format: ResultFormat;
  colormap: ColormapName;
  /** Near = dark (colour formats) or 0 (png16). */
  invert: boolean;
  /** Fixed normalisation instead of the image's own min-max; values outside clamp. */
  range?: DepthRange;
  /** The upright photo and the heatmap side by side: 2W x H. */
  sideBySide: boolean;
  /** Point cloud camera and filtering (ply only; see point-cloud-params.ts), always all four. */
  fov?: number;
  step?: number;
  edge?: number;
  far?: number;
}

/** The spec field each query parameter sets. */
export const PARAM_FIELDS: Record<RenderParam, keyof RenderSpec> = {
  colormap: 'colormap',
  invert: 'invert',
  range: 'range',
  side_by_side: 'sideBySide',
  fov: 'fov',
  step: 'step',
  edge: 'edge',
  far: 'far',
};

const DEFAULTS: Omit<RenderSpec, 'format'> = {
  colormap: DEFAULT_COLORMAP,
  invert: false,
  sideBySide: false,
};

/**
 * The spec with every parameter its format ignores reset to the default, so
 * that e.g. npy with a colormap is the same rendering (and cache entry) as npy.
 */
export function normaliseSpec(spec: RenderSpec): RenderSpec {
  const applies = new Set(FORMAT_INFO[spec.format].params.map((param) => PARAM_FIELDS[param]));
  const normal: Record<string, unknown> = { format: spec.format };
  for (const [field, value] of Object.entries(spec)) {
    if (field === 'format') continue;
    const kept: unknown = applies.has(field as keyof RenderSpec)
      ? value
      : (DEFAULTS as Record<string, unknown>)[field];
    if (kept !== undefined) normal[field] = kept;
  }
  return normal as unknown as RenderSpec;
}

/** The default rendering of a format: what a request with no other parameters gets. */
export function defaultSpec(format: ResultFormat): RenderSpec {
  return { format, ...DEFAULTS };
}

/** A canonical text of a normalised spec (sorted fields): equal renderings, equal keys. */
export function specKey(spec: RenderSpec): string {
  const normal = normaliseSpec(spec) as unknown as Record<string, unknown>;
  return JSON.stringify(
    Object.keys(normal)
      .sort()
      .map((field) => [field, normal[field]]),
  );
}
