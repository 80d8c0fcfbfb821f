import { Logger } from '@nestjs/common';
import { PointCloudParamsError } from '../inference/errors/point-cloud-params.error';
import type { RenderTask } from '../inference/inference.types';
import { sampledPoints } from '../inference/pipeline/point-cloud';
import { FORMAT_INFO } from '../inference/pipeline/result-formats';
import { normaliseSpec, type RenderSpec, specKey } from '../inference/pipeline/render-spec';
import type { Job } from './job.entity';
import { depthMetadata } from './depth-metadata';
import type { ResultFiles } from './result-files';
import { type RenderedResult, renderedResult } from './rendered-result';

/**
 * Renderings kept per job. `range` makes the space of specs unbounded, so a
 * client must not be able to fill the disk with one job's variants.
 */
export const RENDERS_PER_JOB = 16;

/**
 * Most points one PLY may hold (15 bytes each, about 60 MB): a 40 MP photo at
 * step 1 would otherwise build a 600 MB buffer in a worker.
 */
export const MAX_CLOUD_POINTS = 4_000_000;

/**
 * Renderings of a finished job. Each is made once, in a worker, from the
 * job's own files, then kept beside them (least recently used evicted beyond
 * RENDERS_PER_JOB); concurrent requests for the same rendering share one render.
 */
export class ResultRenderer {
  private readonly logger = new Logger(ResultRenderer.name);
  private readonly pending = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly files: ResultFiles,
    /** Renders in a worker thread: a large photo's upsampling must not stall the event loop. */
    private readonly renderInWorker: (task: Omit<RenderTask, 'kind'>) => Promise<Buffer>,
  ) {}

  async get(job: Job, requested: RenderSpec): Promise<RenderedResult> {
    const spec = normaliseSpec(requested);
    if (spec.format === 'json') {
      const bytes = Buffer.from(JSON.stringify(depthMetadata(job)));
      return renderedResult(job, spec, bytes, 'hit');
    }
    if (spec.format === 'ply' && job.output) assertCloudSize(job.output, spec.step ?? 1);
    const stored = await this.files.read(job.id, spec);
    if (stored) {
      this.files.touch(job.id, spec);
      return renderedResult(job, spec, stored, 'hit');
    }
    const key = `${job.id} ${specKey(spec)}`;
    let render = this.pending.get(key);
    if (!render) {
      render = this.render(job, spec).finally(() => this.pending.delete(key));
      this.pending.set(key, render);
    }
    return renderedResult(job, spec, await render, 'miss');
  }

  /**
   * Rendered from the stored raw depth exactly as the worker renders, so a
   * JPEG never becomes the source of a PNG; it costs a few ms for a VGA photo.
   */
  private async render(job: Job, spec: RenderSpec): Promise<Buffer> {
    const output = job.output;
    if (!output) throw new Error(`Job ${job.id} has no output to render.`);
    const started = Date.now();
    const [raw, original] = await Promise.all([
      this.files.read(job.id, 'depth.f32'),
      spec.sideBySide || spec.format === 'ply' ? this.files.read(job.id, 'original') : undefined,
    ]);
    if (!raw) throw new Error(`Job ${job.id} has no stored depth to render from.`);
    // Copy into an aligned buffer: a file buffer's offset need not be a multiple of 4.
    const depth = new Float32Array(new Uint8Array(raw).buffer);
    const range = { min: output.depthMin, max: output.depthMax };
    const size = { ...output };
    const bytes = await this.renderInWorker({
      depth,
      size,
      kernel: output.upsampling,
      range,
      spec,
      original: original && new Uint8Array(original),
    });
    // Expiry removes a job's files; a render that finishes after it must not leave one behind.
    if (job.status !== 'expired') {
      await this.files.write(job.id, spec, bytes);
      await this.files.evict(job.id, RENDERS_PER_JOB);
    }
    if (job.status === 'expired') await this.files.removeAll(job.id);
    this.logger.log({
      msg:
        `Rendered ${FORMAT_INFO[spec.format].label} of job ${job.id} in ${Date.now() - started} ms ` +
        `(${bytes.length} bytes).`,
      requestId: job.requestId,
    });
    return bytes;
  }
}

function assertCloudSize(size: { width: number; height: number }, step: number): void {
  const points = sampledPoints(size.width, size.height, step);
  if (points <= MAX_CLOUD_POINTS) return;
  let fits = step;
  while (sampledPoints(size.width, size.height, fits) > MAX_CLOUD_POINTS) fits += 1;
  throw new PointCloudParamsError(
    `step=${step} would make ${points} points from this ${size.width}x${size.height} photo, ` +
      `over the limit of ${MAX_CLOUD_POINTS}; use step=${fits} or more.`,
  );
}
