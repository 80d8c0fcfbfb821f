import {
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  StreamableFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import type { Response } from 'express';
import { RequestId } from '../common/logging/request-id.decorator';
import { defaultSpec } from '../inference/pipeline/render-spec';
import {
  ReadThrottlerGuard,
  UploadThrottlerGuard,
} from '../common/throttling/named-throttler.guard';
import { AdmissionGuard } from '../jobs/admission.guard';
import { JobsService } from '../jobs/jobs.service';
import { modelQuery } from '../jobs/model-query';
import type { UploadedFile } from '../upload/multipart/read-single-file';
import { DEDUPE_HEADER } from '../upload/dto/upload-accepted.dto';
import { SingleFileInterceptor } from '../upload/single-file.interceptor';
import { UploadedImage } from '../upload/uploaded-image.decorator';
import { UploadService } from '../upload/upload.service';
import { LegacyErrorsInterceptor } from './legacy-errors.interceptor';

/** The original Flask service's routes, kept so its clients work unchanged. */
@Controller()
@UseInterceptors(LegacyErrorsInterceptor)
export class LegacyController {
  constructor(
    private readonly uploads: UploadService,
    private readonly jobs: JobsService,
  ) {}

  @Post('upload')
  @HttpCode(200)
  @UseGuards(UploadThrottlerGuard, AdmissionGuard)
  @UseInterceptors(SingleFileInterceptor)
  async upload(
    @UploadedImage() file: UploadedFile,
    @Res({ passthrough: true }) res: Response,
    @RequestId() requestId?: string,
    @Query('model') model?: unknown,
  ): Promise<{ request_id: string }> {
    const { job, deduplicated } = await this.uploads.accept(file, 'jpeg', {
      model: modelQuery(model),
      requestId,
    });
    res.setHeader(DEDUPE_HEADER, deduplicated ? 'hit' : 'miss');
    return { request_id: job.id };
  }

  @Get('result/:id')
  @UseGuards(ReadThrottlerGuard)
  async result(
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile | { status: 'processing' }> {
    const job = await this.jobs.find(id);
    const heatmap = (await this.jobs.render(job, defaultSpec('jpeg')))?.bytes;
    if (!heatmap) {
      res.status(202);
      return { status: 'processing' };
    }
    return new StreamableFile(heatmap, {
      type: 'image/jpeg',
      length: heatmap.length,
      disposition: `inline; filename="depth-${job.id}.jpg"`,
    });
  }
}
