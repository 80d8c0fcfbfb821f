import { Module } from '@nestjs/common';
import { JobEvents } from './job-events';
import { ResultsCleanupService } from './results-cleanup.service';
import { ResultsStore } from './results.store';

@Module({
  providers: [ResultsStore, ResultsCleanupService, JobEvents],
  exports: [ResultsStore, JobEvents],
})
export class ResultsModule {}
