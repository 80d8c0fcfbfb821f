import { Module } from '@nestjs/common';
import { ResultsCleanupService } from './results-cleanup.service';
import { ResultsStore } from './results.store';

@Module({
  providers: [ResultsStore, ResultsCleanupService],
  exports: [ResultsStore],
})
export class ResultsModule {}
