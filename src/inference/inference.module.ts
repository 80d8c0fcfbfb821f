import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { InferenceHealthIndicator } from './inference.health';
import { InferenceService } from './inference.service';

@Module({
  imports: [TerminusModule],
  providers: [InferenceService, InferenceHealthIndicator],
  exports: [InferenceService, InferenceHealthIndicator],
})
export class InferenceModule {}
