import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { UploadModule } from '../upload/upload.module';
import { LegacyController } from './legacy.controller';

@Module({
  imports: [UploadModule, JobsModule],
  controllers: [LegacyController],
})
export class LegacyModule {}
