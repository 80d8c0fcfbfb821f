import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { AppConfig } from '../config/app-config';
import type { DepthResult } from '../inference/inference.types';
import { COLORMAPS, ColormapName, DEFAULT_COLORMAP } from '../inference/pipeline/colormap';
import {
  encodeHeatmap,
  HeatmapFormat,
  renderHeatmap,
  toLevels,
} from '../inference/pipeline/postprocess';
import { Job } from './job.entity';
import { JobEvents } from './job-events';
import { ResultFiles } from './result-files';

/** Expired ids are remembered (to answer 410 rather than 404) for this long, up to a cap. */
const TOMBSTONE_MS = 24 * 3600 * 1000;
const TOMBSTONE_CAP = 100_000;

export type Lookup = { job: Job } | { expired: true } | undefined;

/**
 * Jobs by id, their result files under the private results directory, and
 * their expiry. Memory and disk are released together when a job expires.
 */
@Injectable()
export class ResultsStore implements OnModuleInit {
  private readonly logger = new Logger(ResultsStore.name);
  private readonly jobs = new Map<string, Job>();
  private readonly tombstones = new Map<string, number>();
  /** Renders in progress, so concurrent requests for the same one share the work. */
  private readonly rendering = new Map<string, Promise<Buffer>>();
  private readonly files: ResultFiles;
  private readonly ttlMs: number;

  constructor(
    config: AppConfig,
    private readonly events: JobEvents,
  ) {
    this.files = new ResultFiles(config.resultsDir);
    this.ttlMs = config.resultTtlSeconds * 1000;
  }

  async onModuleInit(): Promise<void> {
    const stale = await this.files.prepare();
    this.logger.log(`Results directory ${this.files.dir} is ready (${stale} stale files removed).`);
  }

  add(job: Job): void {
    this.jobs.set(job.id, job);
  }

  /** Finds a job; one past its TTL is expired on the spot, so no stale result is ever served. */
  async lookup(id: string, now = Date.now()): Promise<Lookup> {
    const job = this.jobs.get(id);
    if (job?.isPastTtl(this.ttlMs, now)) await this.expire(job, now);
    if (this.tombstones.has(id)) return { expired: true };
    return job && { job };
  }

  /** Like lookup, but synchronous: a job past its TTL reads as expired and is left for the sweep. */
  peek(id: string, now = Date.now()): Lookup {
    const job = this.jobs.get(id);
    if (this.tombstones.has(id) || job?.isPastTtl(this.ttlMs, now)) return { expired: true };
    return job && { job };
  }

  async saveOutput(
    job: Job,
    result: Pick<DepthResult, 'format' | 'heatmap' | 'depth'>,
  ): Promise<void> {
    await Promise.all([
      this.files.write(
        job.id,
        { format: result.format, colormap: DEFAULT_COLORMAP },
        result.heatmap,
      ),
      this.files.write(
        job.id,
        'depth.f32',
        new Uint8Array(result.depth.buffer, result.depth.byteOffset, result.depth.byteLength),
      ),
    ]);
  }

  /** A finished job's heatmap; a rendering not made yet is made once, then kept with the job. */
  async heatmap(job: Job, format: HeatmapFormat, colormap = DEFAULT_COLORMAP): Promise<Buffer> {
    const kind = { format, colormap };
    const stored = await readFile(this.files.path(job.id, kind)).catch(ifMissing(undefined));
    if (stored) return stored;
    const key = `${job.id}.${colormap}.${format}`;
    let pending = this.rendering.get(key);
    if (!pending) {
      pending = this.render(job, format, colormap).finally(() => this.rendering.delete(key));
      this.rendering.set(key, pending);
    }
    return pending;
  }

  /** Expires every finished job past its TTL; returns how many went. */
  async sweep(now = Date.now()): Promise<number> {
    const due = [...this.jobs.values()].filter((job) => job.isPastTtl(this.ttlMs, now));
    await Promise.all(due.map((job) => this.expire(job, now)));
    for (const [id, expiredAt] of this.tombstones) {
      if (now - expiredAt < TOMBSTONE_MS && this.tombstones.size <= TOMBSTONE_CAP) break;
      this.tombstones.delete(id);
    }
    return due.length;
  }

  /** Jobs currently held in memory (not yet expired). */
  get size(): number {
    return this.jobs.size;
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
    const kind = { format, colormap };
    // Expiry removes a job's files; a render that finishes after it must not leave one behind.
    if (job.status !== 'expired') await this.files.write(job.id, kind, bytes);
    if (job.status === 'expired') await this.files.removeAll(job.id);
    return bytes;
  }

  private async expire(job: Job, now: number): Promise<void> {
    if (!this.jobs.delete(job.id)) return;
    job.expire();
    this.tombstones.set(job.id, now);
    this.events.emit('expired', job.id);
    await this.files.removeAll(job.id);
  }
}

/** A catch handler that turns "no such file" into a value and rethrows anything else. */
function ifMissing<T>(value: T) {
  return (error: NodeJS.ErrnoException): T => {
    if (error.code === 'ENOENT') return value;
    throw error;
  };
}
