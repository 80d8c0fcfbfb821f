import {
  Controller,
  Headers,
  HttpCode,
  Post,
  Query,
  Res,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import type { Response } from 'express';
import { RequestId } from '../common/logging/request-id.decorator';
import { UploadThrottlerGuard } from '../common/throttling/named-throttler.guard';
import { AdmissionGuard } from '../jobs/admission.guard';
import { modelQuery } from '../jobs/model-query';
import { jobUrls } from '../jobs/dto/job-status.mapper';
import { SOCKET_ID_HEADER } from '../realtime/realtime.events';
import { DEDUPE_HEADER, type UploadAcceptedDto } from './dto/upload-accepted.dto';
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
  async create(
    @UploadedImage() file: UploadedFile,
    @Res({ passthrough: true }) res: Response,
    @Headers(SOCKET_ID_HEADER) socketId?: string,
    @RequestId() requestId?: string,
    @Query('model') model?: unknown,
  ): Promise<UploadAcceptedDto> {
    const { job, deduplicated } = await this.uploads.accept(file, 'png', {
      subscriber: socketId,
      model: modelQuery(model),
      requestId,
    });
    res.setHeader(DEDUPE_HEADER, deduplicated ? 'hit' : 'miss');
    return { id: job.id, status: job.status, ...jobUrls(job.id), deduplicated };
  }
}
