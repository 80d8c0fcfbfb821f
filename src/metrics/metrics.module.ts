import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { InferenceModule } from '../inference/inference.module';
import { JobsModule } from '../jobs/jobs.module';
import { ResultsModule } from '../results/results.module';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { JobMetricsListener } from './job-metrics.listener';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { ServiceGaugesCollector } from './service-gauges.collector';

/** GET /metrics for Prometheus: HTTP, uploads, queue, workers, job timings and the process. */
@Module({
  imports: [InferenceModule, JobsModule, ResultsModule],
  controllers: [MetricsController],
  providers: [MetricsService, JobMetricsListener, ServiceGaugesCollector],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
