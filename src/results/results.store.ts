import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { InferenceService } from '../inference/inference.service';
import type { DepthResult } from '../inference/inference.types';
import { DEFAULT_COLORMAP } from '../inference/pipeline/colormap';
import type { RenderSpec } from '../inference/pipeline/render-spec';
import { ResultRenderer } from './result-renderer';
import { Job } from './job.entity';
import { JobEvents } from './job-events';
import { ResultFiles } from './result-files';
import type { RenderedResult } from './rendered-result';

/** Expired ids are remembered (to answer 410 rather than 404) for this long, up to a cap. */
const TOMBSTONE_MS = 24 * 3600 * 1000;
const TOMBSTONE_CAP = 100_000;

export type Lookup = { job: Job } | { expired: true } | undefined;

/**
 * Jobs by id, their result files under the private results directory, and
 * their expiry. Memory and disk are released together when a job expires.
 */
@Injectable()
export class ResultsStore implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ResultsStore.name);
  private readonly jobs = new Map<string, Job>();
  private readonly tombstones = new Map<string, number>();
  private readonly files: ResultFiles;
  private readonly renderer: ResultRenderer;
  private readonly ttlMs: number;

  constructor(
    config: AppConfig,
    private readonly events: JobEvents,
    inference: InferenceService,
  ) {
    this.files = new ResultFiles(config.resultsDir);
    this.renderer = new ResultRenderer(this.files, (task) => inference.render(task));
    this.ttlMs = config.resultTtlSeconds * 1000;
  }

  async onModuleInit(): Promise<void> {
    const stale = await this.files.prepare();
    this.logger.log(`Results directory ${this.files.dir} is ready (${stale} stale files removed).`);
  }

  /** Runs after the jobs have drained (JobsService, before shutdown). */
  async onApplicationShutdown(): Promise<void> {
    await this.files.close();
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

  /**
   * The worker's heatmap and raw depth, and the upload itself (for renderings
   * that show it). They are readable at once; the disk writes go on behind
   * (see ResultFiles.save). Should one fail after the job is done, its bytes
   * stay in memory until the job expires, so the result is still served.
   */
  async saveOutput(
    job: Job,
    result: Pick<DepthResult, 'format' | 'heatmap' | 'depth' | 'image'>,
  ): Promise<void> {
    const { depth } = result;
    const { written } = await this.files.save(job.id, [
      ['original', result.image],
      [{ format: result.format, colormap: DEFAULT_COLORMAP }, result.heatmap],
      ['depth.f32', new Uint8Array(depth.buffer, depth.byteOffset, depth.byteLength)],
    ]);
    written.catch((error: Error) =>
      this.logger.error({
        msg: `Writing the files of job ${job.id} failed (${error.message}); they stay in memory until it expires.`,
        requestId: job.requestId,
      }),
    );
  }

  /** Every result file written so far is on disk (or has failed to be). */
  flushed(): Promise<void> {
    return this.files.flushed();
  }

  /** A finished job's depth in any format and rendering, from its files or made now. */
  render(job: Job, spec: RenderSpec): Promise<RenderedResult> {
    return this.renderer.get(job, spec);
  }

  /** Expires every finished job past its TTL; returns how many went. */
  async sweep(now = Date.now()): Promise<number> {
    const due = [...this.jobs.values()].filter((job) => job.isPastTtl(this.ttlMs, now));
    await Promise.all(due.map((job) => this.expire(job, now)));
    const moved = await this.files.rehome(this.ttlMs);
    if (moved > 0)
      this.logger.log(`Moved the results of ${moved} jobs that outlived their segment.`);
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
    this.events.emit('expired', job.id);
    await this.files.removeAll(job.id);
  }
}
