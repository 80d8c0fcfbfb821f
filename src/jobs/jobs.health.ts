import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config';
import { JobsService } from './jobs.service';

@Injectable()
export class QueueHealthIndicator {
  constructor(
    private readonly jobs: JobsService,
    private readonly health: HealthIndicatorService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Down while saturated (READY_QUEUE_SATURATION of QUEUE_MAX, full by
   * default) or shutting down: a load balancer should send new work elsewhere.
   */
  queue(): HealthIndicatorResult {
    const { depth, capacity, accepting } = this.jobs;
    const saturatedAt = Math.ceil(this.config.readyQueueSaturation * capacity);
    const data = { depth, capacity, accepting, saturatedAt };
    const check = this.health.check('queue');
    if (depth < saturatedAt) return accepting ? check.up(data) : check.down(data);
    const message =
      `${depth} of ${capacity} jobs queued or running, at or above the readiness limit of ` +
      `${saturatedAt} (READY_QUEUE_SATURATION ${this.config.readyQueueSaturation}).`;
    return check.down({ ...data, message });
  }
}
