import { Module } from '@nestjs/common';
import { DedupeModule } from '../dedupe/dedupe.module';
import { InferenceModule } from '../inference/inference.module';
import { JobsModule } from '../jobs/jobs.module';
import { ResultQueryGuard } from './result-query.guard';
import { SyncController } from './sync.controller';
import { SyncService } from './sync.service';
import { UploadController } from './upload.controller';
import { UploadService } from './upload.service';

@Module({
  imports: [JobsModule, DedupeModule, InferenceModule],
  controllers: [UploadController, SyncController],
  providers: [UploadService, SyncService, ResultQueryGuard],
  exports: [UploadService],
})
export class UploadModule {}
