import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import type { Job } from '../results/job.entity';
import { JobEvents } from '../results/job-events';
import { MetricsService, PREFIX } from './metrics.service';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Job timings and dedupe hits, observed from job events rather than from inside the services. */
@Injectable()
export class JobMetricsListener implements OnModuleInit, OnApplicationShutdown {
  private readonly queueWait: Histogram;
  private readonly decode: Histogram;
  private readonly inference: Histogram;
  private readonly postprocess: Histogram;
  private readonly total: Histogram<'outcome'>;
  private readonly failures: Counter<'reason'>;
  private readonly dedupeHits: Counter<'state'>;
  private detach: (() => void)[] = [];

  constructor(
    { registry }: MetricsService,
    private readonly events: JobEvents,
  ) {
    const histogram = (name: string, help: string) =>
      new Histogram({ name: `${PREFIX}${name}`, help, buckets: BUCKETS, registers: [registry] });
    this.queueWait = histogram('job_queue_wait_seconds', 'Time a job waited for a worker.');
    this.decode = histogram('job_decode_seconds', 'Decoding and resizing, for jobs that ran.');
    this.inference = histogram('job_inference_seconds', 'ONNX Runtime time, for jobs done.');
    this.postprocess = histogram(
      'job_postprocess_seconds',
      'Upsampling and heatmap encoding, for jobs done.',
    );
    this.total = new Histogram({
      name: `${PREFIX}job_duration_seconds`,
      help: 'End-to-end time from upload to done or failed, by outcome.',
      labelNames: ['outcome'],
      buckets: BUCKETS,
      registers: [registry],
    });
    this.failures = new Counter({
      name: `${PREFIX}jobs_failed_total`,
      help: 'Jobs that failed, by reason.',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.dedupeHits = new Counter({
      name: `${PREFIX}dedupe_hits_total`,
      help: 'Uploads given an existing job instead of a new one, by its state then.',
      labelNames: ['state'],
      registers: [registry],
    });
  }

  onModuleInit(): void {
    this.detach = [
      this.events.on('finished', (job) => this.observe(job)),
      this.events.on('deduplicated', (job) => this.dedupeHits.inc({ state: job.status })),
    ];
  }

  /** Not on module destroy: jobs that finish during the shutdown drain are still observed. */
  onApplicationShutdown(): void {
    this.detach.forEach((detach) => detach());
  }

  private observe(job: Job): void {
    const t = job.timings;
    if (!t) return;
    this.queueWait.observe(t.queueMs / 1000);
    if (t.decodeMs !== undefined) this.decode.observe(t.decodeMs / 1000);
    if (t.postprocessMs !== undefined) this.postprocess.observe(t.postprocessMs / 1000);
    if (job.status === 'done') this.inference.observe(t.inferenceMs / 1000);
    this.total.observe({ outcome: job.status === 'done' ? 'done' : 'failed' }, t.totalMs / 1000);
    if (job.failure) this.failures.inc({ reason: job.failure.reason });
  }
}
