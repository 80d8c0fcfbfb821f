import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { AppConfig } from '../../config/app-config';
import type { DepthResult } from '../../inference/inference.types';
import { resolveModel } from '../../inference/model/model-resolver';
import { FORMAT_INFO } from '../../inference/pipeline/result-formats';
import { POINT_CLOUD_DEFAULTS } from '../../inference/pipeline/point-cloud-params';
import { HEATMAP_FORMATS, type HeatmapFormat } from '../../inference/pipeline/render-options';
import {
  defaultSpec,
  normaliseSpec,
  type RenderSpec,
  specKey,
} from '../../inference/pipeline/render-spec';
import { workerConfigFor } from '../../inference/worker-config';
import { WorkerPool } from '../../inference/worker-pool';
import { probeImage } from '../../upload/image-probe';
import { listInputs } from './input-files';
import type { PredictOptions } from './predict-args';
import { ProgressBar } from './progress-bar';

export interface PredictSummary {
  total: number;
  succeeded: number;
  failures: { path: string; message: string }[];
  seconds: number;
  imagesPerSecond: number;
}

/**
 * `depthserve predict`: the service's pipeline (same input checks, same
 * worker pool, same renderings) over local files. A file that fails is
 * reported and skipped; the others go on.
 */
export async function predict(options: PredictOptions, config: AppConfig): Promise<PredictSummary> {
  const logger = new Logger('Predict');
  const { files, missing } = await listInputs(options.inputs);
  const failures = missing.map((path) => ({ path, message: 'no such file or folder' }));
  const entry = config.models.find(({ id }) => id === (options.model ?? config.model.id));
  if (!entry) throw new Error(`Model ${options.model} is not configured.`);
  const model = await resolveModel(entry, (phase, detail) =>
    logger.log(`Model ${phase}: ${detail}.`),
  );
  logger.log(`Using ${model.name} (${model.source}) on ${config.workers} workers.`);
  await mkdir(options.out, { recursive: true });
  const pool = new WorkerPool(config.workers, workerConfigFor(config, entry, model.path));
  const started = Date.now();
  const progress = new ProgressBar(files.length);
  const names = new OutputNames(options.out, FORMAT_INFO[options.format].extension);
  const spec = specOf(options);
  try {
    await pool.warmUp();
    let next = 0;
    const lane = async () => {
      while (next < files.length) {
        const path = files[next++];
        const target = names.for(path);
        try {
          await writeFile(target, await depthOf(path, pool, spec, config));
          progress.tick(`${path} -> ${target}`);
        } catch (error) {
          const message = (error as Error).message;
          failures.push({ path, message });
          progress.tick(path, message);
        }
      }
    };
    const lanes = options.concurrency ?? config.workers;
    await Promise.all(Array.from({ length: Math.min(lanes, files.length) }, lane));
  } finally {
    progress.finish();
    await pool.close();
  }
  const seconds = (Date.now() - started) / 1000;
  const succeeded = files.length - (failures.length - missing.length);
  return {
    total: files.length + missing.length,
    succeeded,
    failures,
    seconds,
    imagesPerSecond: seconds > 0 ? succeeded / seconds : 0,
  };
}

/** The rendering the options ask for, as the result route would parse it from a query. */
function specOf(options: PredictOptions): RenderSpec {
  const { format, colormap, invert } = options;
  const pointCloud = format === 'ply' ? POINT_CLOUD_DEFAULTS : {};
  return normaliseSpec({ format, colormap, invert, sideBySide: false, ...pointCloud });
}

async function depthOf(
  path: string,
  pool: WorkerPool,
  spec: RenderSpec,
  config: AppConfig,
): Promise<Uint8Array> {
  const bytes = await readFile(path);
  // The upload route's admission checks, so the CLI refuses exactly what the service refuses.
  const { upright } = await probeImage(bytes, config);
  const eager = (HEATMAP_FORMATS as readonly string[]).includes(spec.format)
    ? (spec.format as HeatmapFormat)
    : 'png';
  const result: DepthResult = await pool.run(
    randomUUID(),
    { bytes, upright },
    eager,
    config.jobTimeoutMs,
  ).result;
  // The worker's own heatmap is the default rendering; anything else renders as the service does.
  if (specKey(spec) === specKey(defaultSpec(result.format))) return result.heatmap;
  return pool.render({
    depth: result.depth,
    size: result,
    kernel: result.upsampling,
    range: { min: result.depthMin, max: result.depthMax },
    spec,
    original: result.image,
  });
}

/** photo.jpg -> DIR/photo.png; a second photo.* from another folder gets photo-2.png. */
class OutputNames {
  private readonly taken = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly extension: string,
  ) {}

  for(path: string): string {
    const stem = basename(path, extname(path));
    let name = `${stem}.${this.extension}`;
    for (let n = 2; this.taken.has(name); n++) name = `${stem}-${n}.${this.extension}`;
    this.taken.add(name);
    return join(this.dir, name);
  }
}
