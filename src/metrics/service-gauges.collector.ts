import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { InferenceService } from '../inference/inference.service';
import { JobsService } from '../jobs/jobs.service';
import { MetricsService, PREFIX } from './metrics.service';

/** Queue and worker state, read from the services at scrape time. */
@Injectable()
export class ServiceGaugesCollector {
  /** The pool's own restart count starts again with a new pool; the counter must not. */
  private restartsSeen = 0;

  constructor({ registry }: MetricsService, jobs: JobsService, inference: InferenceService) {
    const registers = [registry];
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name: `${PREFIX}${name}`,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('queue_depth', 'Jobs queued or running now.', () => jobs.depth);
    gauge('queue_capacity', 'QUEUE_MAX: jobs queued or running past which uploads get 503.', () => {
      return jobs.capacity;
    });
    gauge('model_ready', '1 once the model is loaded in the workers, else 0.', () =>
      inference.ready ? 1 : 0,
    );
    gauge('workers', 'Configured inference worker threads.', () => inference.workers.count);
    gauge('workers_alive', 'Worker threads with a loaded session.', () => inference.workers.alive);
    gauge('workers_busy', 'Worker threads running a job now.', () => {
      return inference.workerActivity.busy;
    });
    const restarts = () => this.restartDelta(inference.workerActivity.restarts);
    new Counter({
      name: `${PREFIX}worker_restarts_total`,
      help: 'Worker threads replaced after exiting or being terminated.',
      registers,
      collect() {
        this.inc(restarts());
      },
    });
  }

  private restartDelta(current: number): number {
    const delta = current >= this.restartsSeen ? current - this.restartsSeen : current;
    this.restartsSeen = current;
    return delta;
  }
}
