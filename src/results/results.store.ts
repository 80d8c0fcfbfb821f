import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { AppConfig } from '../config/app-config';
import type { DepthResult } from '../inference/inference.types';
import { encodeHeatmap, HeatmapFormat } from '../inference/pipeline/postprocess';
import { Job } from './job.entity';
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
  private readonly files: ResultFiles;
  private readonly ttlMs: number;

  constructor(config: AppConfig) {
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

  async saveOutput(
    job: Job,
    result: Pick<DepthResult, 'format' | 'heatmap' | 'depth'>,
  ): Promise<void> {
    await Promise.all([
      this.files.write(job.id, result.format, result.heatmap),
      this.files.write(
        job.id,
        'depth.f32',
        new Uint8Array(result.depth.buffer, result.depth.byteOffset, result.depth.byteLength),
      ),
    ]);
  }

  /** The heatmap in the requested format; the other format is converted once, then kept. */
  async heatmap(job: Job, format: HeatmapFormat): Promise<Buffer> {
    const stored = await readFile(this.files.path(job.id, format)).catch(ifMissing(undefined));
    if (stored) return stored;
    const source = await readFile(this.files.path(job.id, job.output?.format ?? 'png'));
    const bytes = await encodeHeatmap(sharp(source), format);
    await this.files.write(job.id, format, bytes);
    return bytes;
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

  private async expire(job: Job, now: number): Promise<void> {
    if (!this.jobs.delete(job.id)) return;
    job.expire();
    this.tombstones.set(job.id, now);
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
