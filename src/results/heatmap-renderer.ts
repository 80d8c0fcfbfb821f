import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { COLORMAPS, ColormapName, DEFAULT_COLORMAP } from '../inference/pipeline/colormap';
import {
  encodeHeatmap,
  HeatmapFormat,
  renderHeatmap,
  toLevels,
} from '../inference/pipeline/postprocess';
import type { Job } from './job.entity';
import type { ResultFiles } from './result-files';

/**
 * Renderings of a finished job beyond the one its worker made. Each is made
 * once, from the job's own files, then kept beside them; concurrent requests
 * for the same rendering share one render.
 */
export class HeatmapRenderer {
  private readonly pending = new Map<string, Promise<Buffer>>();

  constructor(private readonly files: ResultFiles) {}

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
   * Another format of the worker's heatmap is a re-encode; another colormap is
   * rendered from the stored raw depth exactly as the worker renders inferno.
   */
  private async render(job: Job, format: HeatmapFormat, colormap: ColormapName): Promise<Buffer> {
    const output = job.output;
    if (!output) throw new Error(`Job ${job.id} has no output to render.`);
    let bytes: Buffer;
    if (colormap === DEFAULT_COLORMAP) {
      const source = { format: output.format, colormap };
      bytes = await encodeHeatmap(sharp(await readFile(this.files.path(job.id, source))), format);
    } else {
      const raw = await readFile(this.files.path(job.id, 'depth.f32'));
      // Copy into an aligned buffer: a file buffer's offset need not be a multiple of 4.
      const depth = new Float32Array(new Uint8Array(raw).buffer);
      const levels = toLevels(depth, { min: output.depthMin, max: output.depthMax });
      bytes = await renderHeatmap(levels, output, COLORMAPS[colormap], format);
    }
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
