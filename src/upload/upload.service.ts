import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { HeatmapFormat } from '../inference/pipeline/postprocess';
import { JobsService } from '../jobs/jobs.service';
import type { Job } from '../results/job.entity';
import { probeImage } from './image-probe';
import type { UploadedFile } from './multipart/read-single-file';

@Injectable()
export class UploadService {
  constructor(
    private readonly config: AppConfig,
    private readonly jobs: JobsService,
  ) {}

  /** Checks the image cheaply, then admits it as a job (or refuses it when the queue is full). */
  async accept(file: UploadedFile, preferredFormat: HeatmapFormat): Promise<Job> {
    await probeImage(file.bytes, this.config.maxInputPixels);
    return this.jobs.submit(file.bytes, preferredFormat);
  }
}
