import { Module } from '@nestjs/common';
import { InferenceModule } from '../inference/inference.module';
import { ResultsModule } from '../results/results.module';
import { DedupeService } from './dedupe.service';

/** Uploads of the same bytes, model and parameters share one job while it lasts. */
@Module({
  imports: [InferenceModule, ResultsModule],
  providers: [DedupeService],
  exports: [DedupeService],
})
export class DedupeModule {}
