import { Controller, HttpCode, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { UploadThrottlerGuard } from '../common/throttling/upload-throttler.guard';
import { AdmissionGuard } from '../jobs/admission.guard';
import { jobUrls } from '../jobs/dto/job-status.dto';
import type { UploadAcceptedDto } from './dto/upload-accepted.dto';
import type { UploadedFile } from './multipart/read-single-file';
import { SingleFileInterceptor } from './single-file.interceptor';
import { UploadedImage } from './uploaded-image.decorator';
import { UploadService } from './upload.service';

@Controller('api/v1/depth')
export class UploadController {
  constructor(private readonly uploads: UploadService) {}

  @Post()
  @HttpCode(202)
  @UseGuards(UploadThrottlerGuard, AdmissionGuard)
  @UseInterceptors(SingleFileInterceptor)
  async create(@UploadedImage() file: UploadedFile): Promise<UploadAcceptedDto> {
    const job = await this.uploads.accept(file, 'png');
    return { id: job.id, status: job.status, ...jobUrls(job.id) };
  }
}
