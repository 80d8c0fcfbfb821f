import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { InferenceHealthIndicator } from '../inference/inference.health';
import { QueueHealthIndicator } from '../jobs/jobs.health';
import { ResultsHealthIndicator } from '../results/results.health';

@SkipThrottle()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly inference: InferenceHealthIndicator,
    private readonly queue: QueueHealthIndicator,
    private readonly results: ResultsHealthIndicator,
  ) {}

  /**
   * Readiness: 200 only when an upload would be accepted and its result
   * stored right now. /readyz is the Kubernetes-style name for the same check.
   */
  @Get(['healthz', 'readyz'])
  @HealthCheck()
  async readiness(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.inference.model(),
        () => this.inference.workers(),
        () => this.queue.queue(),
        () => this.results.diskSpace(),
      ]);
    } catch (error) {
      // Keep Terminus' report as the body of a 503 rather than the generic error shape.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }

  /**
   * Liveness: the process is up and serving HTTP, whatever the model, the
   * queue or the disk are doing; a restart would fix none of those.
   */
  @Get('livez')
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
