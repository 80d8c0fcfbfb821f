import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { InferenceModule } from '../inference/inference.module';
import { JobsModule } from '../jobs/jobs.module';
import { ResultsHealthIndicator } from '../results/results.health';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), InferenceModule, JobsModule],
  controllers: [HealthController],
  providers: [ResultsHealthIndicator],
})
export class HealthModule {}
