import { Module } from '@nestjs/common';
import { DedupeModule } from '../dedupe/dedupe.module';
import { InferenceModule } from '../inference/inference.module';
import { JobsModule } from '../jobs/jobs.module';
import { UploadController } from './upload.controller';
import { UploadService } from './upload.service';

@Module({
  imports: [JobsModule, DedupeModule, InferenceModule],
  controllers: [UploadController],
  providers: [UploadService],
  exports: [UploadService],
})
export class UploadModule {}
