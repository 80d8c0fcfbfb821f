import { Module } from '@nestjs/common';
import { InferenceModule } from '../inference/inference.module';
import { JobEvents } from './job-events';
import { ResultsCleanupService } from './results-cleanup.service';
import { ResultsStore } from './results.store';

@Module({
  imports: [InferenceModule],
  providers: [ResultsStore, ResultsCleanupService, JobEvents],
  exports: [ResultsStore, JobEvents],
})
export class ResultsModule {}
