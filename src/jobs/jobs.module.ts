import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { InferenceModule } from '../inference/inference.module';
import { ResultsModule } from '../results/results.module';
import { AdmissionGuard } from './admission.guard';
import { JobWaiter } from './job-waiter';
import { JobsController } from './jobs.controller';
import { QueueHealthIndicator } from './jobs.health';
import { JobsService } from './jobs.service';

@Module({
  imports: [InferenceModule, ResultsModule, TerminusModule],
  controllers: [JobsController],
  providers: [JobsService, QueueHealthIndicator, AdmissionGuard, JobWaiter],
  exports: [JobsService, QueueHealthIndicator, AdmissionGuard, JobWaiter],
})
export class JobsModule {}
