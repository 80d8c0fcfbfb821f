import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { JobsService } from './jobs.service';

@Injectable()
export class QueueHealthIndicator {
  constructor(
    private readonly jobs: JobsService,
    private readonly health: HealthIndicatorService,
  ) {}

  /** Down while full: a load balancer should send new work elsewhere. */
  queue(): HealthIndicatorResult {
    const data = { depth: this.jobs.depth, capacity: this.jobs.capacity };
    const check = this.health.check('queue');
    return data.depth < data.capacity ? check.up(data) : check.down(data);
  }
}
