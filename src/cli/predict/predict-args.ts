import { parseArgs } from 'node:util';
import type { EncodedFormat } from '../../inference/pipeline/encoders';
import {
  COLORMAP_NAMES,
  RESULT_FORMATS,
  type ColormapName,
} from '../../inference/pipeline/render-options';

/** Every result format but json, which describes a job and is no file of its own here. */
export const CLI_FORMATS = RESULT_FORMATS.filter(
  (format): format is EncodedFormat => format !== 'json',
);

export interface PredictOptions {
  inputs: string[];
  out: string;
  format: EncodedFormat;
  colormap: ColormapName;
  /** Near = dark (colour formats, png16). */
  invert: boolean;
  /** Catalog id; undefined = the configured default model. */
  model?: string;
  /** Jobs in flight at once; undefined = one per worker. */
  concurrency?: number;
}

/** A mistake on the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const PREDICT_USAGE = `Usage: depthserve predict <files or folders...> --out DIR [options]

Runs every image through the service's own worker pipeline, in this process, without HTTP.
Folders are searched recursively for .jpg .jpeg .png .webp .tif .tiff .gif files.

Options:
  -o, --out DIR          where results are written (created if missing)       (required)
  -f, --format F         ${CLI_FORMATS.join(' | ')}   (default png)
  -c, --colormap C       ${COLORMAP_NAMES.join(' | ')}   (default inferno)
  -i, --invert           near = dark (colour formats and png16)
  -m, --model ID         a catalog model id (default: the service's default model)
  -j, --concurrency N    images in flight at once (default: one per worker)
  -h, --help             this text

The model is found exactly as the service finds it (MODEL_PATH, models/, verified download),
and WORKERS, INTRA_OP_THREADS and the other settings in README apply.
Exit code: 0 when every image succeeded, 1 when any failed, 2 on a usage error.`;

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name} must be one of: ${allowed.join(', ')} (got "${value}").`);
}

/** Parses `predict`'s arguments; returns undefined when help was asked for. */
export function parsePredictArgs(argv: string[]): PredictOptions | undefined {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  if (positionals.length === 0) throw new UsageError('Name at least one image file or folder.');
  if (!values.out) throw new UsageError('--out DIR is required.');
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new UsageError(`--concurrency must be a whole number of at least 1.`);
  }
  return {
    inputs: positionals,
    out: values.out,
    format: oneOf('format', values.format ?? 'png', CLI_FORMATS),
    colormap: oneOf('colormap', values.colormap ?? 'inferno', COLORMAP_NAMES),
    invert: values.invert ?? false,
    model: values.model,
    concurrency,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string', short: 'o' },
      format: { type: 'string', short: 'f' },
      colormap: { type: 'string', short: 'c' },
      invert: { type: 'boolean', short: 'i' },
      model: { type: 'string', short: 'm' },
      concurrency: { type: 'string', short: 'j' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
