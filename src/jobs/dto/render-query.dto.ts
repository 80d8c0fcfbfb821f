import { BadRequestException, PipeTransform } from '@nestjs/common';
import {
  COLORMAP_NAMES,
  DEFAULT_COLORMAP,
  RESULT_FORMATS,
} from '../../inference/pipeline/render-options';
import { PointCloudParamsError } from '../../inference/errors/point-cloud-params.error';
import { resolvePointCloudParams } from '../../inference/pipeline/point-cloud-params';
import type { RenderSpec } from '../../inference/pipeline/render-spec';
import { OUTPUTS } from './outputs.dto';

/**
 * The rendering parameters of a result request, as Express parses the query
 * string. Anything else in the query (e.g. a cache buster) is ignored.
 */
export interface RenderQueryDto {
  /** One of RESULT_FORMATS; png by default. */
  format?: string;
  /** One of COLORMAP_NAMES; inferno by default. */
  colormap?: string;
  /** true, false, 1, 0, or bare (`?invert`) for true. */
  invert?: string;
  /** "min,max": finite numbers, min < max. */
  range?: string;
  /** Like invert. */
  side_by_side?: string;
  /** ply only: field of view (degrees), sampling step, edge threshold, far/near ratio. */
  fov?: string;
  step?: string;
  edge?: string;
  far?: string;
}

const TRUE = ['', 'true', '1'];
const FALSE = ['false', '0'];

/** A single string value, or undefined; a repeated parameter is refused rather than guessed at. */
function single(name: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new BadRequestException(`${name} must be given at most once, as a plain value.`);
}

function oneOf<T extends string>(
  name: string,
  raw: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = single(name, raw);
  if (value === undefined || value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new BadRequestException(`${name} must be one of: ${allowed.join(', ')}.`);
}

function flag(name: string, raw: unknown): boolean {
  const value = single(name, raw);
  if (value === undefined) return false;
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new BadRequestException(`${name} must be one of: true, false, 1, 0 (or bare for true).`);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function range(raw: unknown): RenderSpec['range'] {
  const value = single('range', raw);
  if (value === undefined) return undefined;
  const parts = value.split(',');
  const [min, max] = parts.map(Number);
  if (
    parts.length !== 2 ||
    !parts.every((part) => NUMBER.test(part.trim())) ||
    !Number.isFinite(min) ||
    !Number.isFinite(max) ||
    !(min < max)
  ) {
    throw new BadRequestException('range must be "min,max": two finite numbers with min < max.');
  }
  return { min, max };
}

/**
 * Validates a result request's query into a RenderSpec, naming the parameter
 * and its accepted values on a 400. Every route that renders a job uses it:
 * `@Query(RenderQueryPipe) spec: RenderSpec`.
 */
export class RenderQueryPipe implements PipeTransform<unknown, RenderSpec> {
  transform(query: unknown): RenderSpec {
    const q = (query ?? {}) as RenderQueryDto & Record<string, unknown>;
    const format = oneOf('format', q.format, RESULT_FORMATS, OUTPUTS.defaultFormat);
    return {
      format,
      colormap: oneOf('colormap', q.colormap, COLORMAP_NAMES, DEFAULT_COLORMAP),
      invert: flag('invert', q.invert),
      range: range(q.range),
      sideBySide: flag('side_by_side', q.side_by_side),
      // Resolved to all four values, so a default spelled out is the same cached rendering.
      ...(format === 'ply' ? pointCloud(q) : {}),
    };
  }
}

function pointCloud(q: RenderQueryDto & Record<string, unknown>) {
  try {
    return resolvePointCloudParams({ fov: q.fov, step: q.step, edge: q.edge, far: q.far });
  } catch (error) {
    if (error instanceof PointCloudParamsError) throw new BadRequestException(error.message);
    throw error;
  }
}
