import { PointCloudParamsError } from '../errors/point-cloud-params.error';

/*
 * The parameters of a point cloud (see point-cloud.ts), their defaults and
 * their valid ranges, shared by the builder and whoever validates a request.
 */

export interface PointCloudParams {
  /** Horizontal field of view of the camera, in degrees. */
  fov: number;
  /** Keep every step-th pixel along both axes, starting at the top-left one. */
  step: number;
  /**
   * Largest relative depth jump kept between sampled 4-neighbours: a point is
   * dropped when a neighbour is more than (1 + edge) times as far or as near.
   */
  edge: number;
  /** Depth of the farthest point, in units of the nearest one's depth. */
  far: number;
}

/**
 * Step 2 by default: the depth is the model's 256×256 output upsampled, so on a
 * photo wider than 512 px every other pixel holds all the depth detail there is,
 * at a quarter of the points.
 */
export const POINT_CLOUD_DEFAULTS: Readonly<PointCloudParams> = {
  fov: 60,
  step: 2,
  edge: 0.1,
  far: 10,
};

export interface ParamRange {
  min: number;
  max: number;
  /** The bound itself is not allowed. */
  minOpen?: boolean;
  maxOpen?: boolean;
  integer?: boolean;
}

/** Valid values; edge ≥ far - 1 keeps every point, since no jump can exceed that. */
export const POINT_CLOUD_RANGES: Readonly<Record<keyof PointCloudParams, ParamRange>> = {
  fov: { min: 0, max: 180, minOpen: true, maxOpen: true },
  step: { min: 1, max: 64, integer: true },
  edge: { min: 0, max: 1000 },
  far: { min: 1, max: 1000, minOpen: true },
};

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function rangeText({ min, max, minOpen, maxOpen, integer }: ParamRange): string {
  const kind = integer ? 'an integer' : 'a number';
  return `${kind} in ${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'}`;
}

function resolveOne(name: keyof PointCloudParams, raw: unknown): number {
  if (raw === undefined || raw === '') return POINT_CLOUD_DEFAULTS[name];
  const range = POINT_CLOUD_RANGES[name];
  // Query strings arrive as text; anything but one plain decimal number is refused.
  const value = typeof raw === 'string' && NUMBER.test(raw) ? Number(raw) : raw;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (range.minOpen ? value > range.min : value >= range.min) &&
    (range.maxOpen ? value < range.max : value <= range.max) &&
    (!range.integer || Number.isInteger(value));
  if (!ok) {
    // A repeated query key arrives as an array; long text is cut so the error stays short.
    const got =
      typeof raw === 'string' || typeof raw === 'number' ? String(raw) : JSON.stringify(raw);
    throw new PointCloudParamsError(
      `${name} must be ${rangeText(range)}; got ${got.slice(0, 40)}.`,
    );
  }
  return value;
}

/**
 * Fills in defaults and validates: numbers or query-string text, undefined or
 * '' for the default. Throws PointCloudParamsError naming the valid range.
 */
export function resolvePointCloudParams(
  input: Partial<Record<keyof PointCloudParams, unknown>> = {},
): PointCloudParams {
  return {
    fov: resolveOne('fov', input.fov),
    step: resolveOne('step', input.step),
    edge: resolveOne('edge', input.edge),
    far: resolveOne('far', input.far),
  };
}
