import { readFile } from 'node:fs/promises';
import type { RenderTask } from '../inference/inference.types';
import type { ColormapName } from '../inference/pipeline/colormap';
import type { HeatmapFormat } from '../inference/pipeline/postprocess';
import type { Job } from './job.entity';
import type { ResultFiles } from './result-files';

/**
 * Renderings of a finished job beyond the one its worker made. Each is made
 * once, from the job's own files, then kept beside them; concurrent requests
 * for the same rendering share one render.
 */
export class HeatmapRenderer {
  private readonly pending = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly files: ResultFiles,
    /** Renders in a worker thread: a large photo's upsampling must not stall the event loop. */
    private readonly renderInWorker: (task: Omit<RenderTask, 'kind'>) => Promise<Buffer>,
  ) {}

  async get(job: Job, format: HeatmapFormat, colormap: ColormapName): Promise<Buffer> {
    const kind = { format, colormap };
    const stored = await readFile(this.files.path(job.id, kind)).catch(ifMissing(undefined));
    if (stored) return stored;
    const key = `${job.id}.${colormap}.${format}`;
    let render = this.pending.get(key);
    if (!render) {
      render = this.render(job, format, colormap).finally(() => this.pending.delete(key));
      this.pending.set(key, render);
    }
    return render;
  }

  /**
   * Rendered from the stored raw depth exactly as the worker renders, so a
   * JPEG never becomes the source of a PNG; it costs a few ms for a VGA photo.
   */
  private async render(job: Job, format: HeatmapFormat, colormap: ColormapName): Promise<Buffer> {
    const output = job.output;
    if (!output) throw new Error(`Job ${job.id} has no output to render.`);
    const raw = await readFile(this.files.path(job.id, 'depth.f32'));
    // Copy into an aligned buffer: a file buffer's offset need not be a multiple of 4.
    const depth = new Float32Array(new Uint8Array(raw).buffer);
    const range = { min: output.depthMin, max: output.depthMax };
    const size = { ...output };
    const bytes = await this.renderInWorker({ depth, range, size, colormap, format });
    // Expiry removes a job's files; a render that finishes after it must not leave one behind.
    if (job.status !== 'expired') await this.files.write(job.id, { format, colormap }, bytes);
    if (job.status === 'expired') await this.files.removeAll(job.id);
    return bytes;
  }
}

/** A catch handler that turns "no such file" into a value and rethrows anything else. */
export function ifMissing<T>(value: T) {
  return (error: NodeJS.ErrnoException): T => {
    if (error.code === 'ENOENT') return value;
    throw error;
  };
}
