import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { HeatmapFormat } from '../inference/pipeline/postprocess';
import { JobsService } from '../jobs/jobs.service';
import type { Job } from '../results/job.entity';
import { InvalidSocketIdError } from './errors/upload.errors';
import { probeImage } from './image-probe';
import type { UploadedFile } from './multipart/read-single-file';

/** Socket.IO ids are 20 base64url characters; allow some room for other engines. */
const SOCKET_ID = /^[A-Za-z0-9_-]{1,64}$/;

@Injectable()
export class UploadService {
  constructor(
    private readonly config: AppConfig,
    private readonly jobs: JobsService,
  ) {}

  /**
   * Checks the image cheaply, then admits it as a job (or refuses it when the
   * queue is full). A socket id, when given, is subscribed to the job before
   * its first event, so the uploader cannot miss one.
   */
  async accept(
    file: UploadedFile,
    preferredFormat: HeatmapFormat,
    socketId?: string,
  ): Promise<Job> {
    if (socketId !== undefined && !SOCKET_ID.test(socketId)) throw new InvalidSocketIdError();
    const { maxInputPixels, maxSide } = this.config;
    await probeImage(file.bytes, { maxInputPixels, maxSide });
    return this.jobs.submit(file.bytes, preferredFormat, socketId);
  }
}
