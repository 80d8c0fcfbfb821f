import {
  Controller,
  HttpCode,
  Post,
  Query,
  Res,
  StreamableFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import type { Response } from 'express';
import { UploadThrottlerGuard } from '../common/throttling/named-throttler.guard';
import type { ColormapName } from '../inference/pipeline/colormap';
import type { HeatmapFormat } from '../inference/pipeline/postprocess';
import { AdmissionGuard } from '../jobs/admission.guard';
import { colormapPipe, formatPipe } from '../jobs/dto/result-query';
import { modelQuery } from '../jobs/model-query';
import { JOB_ID_HEADER } from './dto/sync.dto';
import { DEDUPE_HEADER } from './dto/upload-accepted.dto';
import type { UploadedFile } from './multipart/read-single-file';
import { ResultQueryGuard } from './result-query.guard';
import { SingleFileInterceptor } from './single-file.interceptor';
import { SyncService } from './sync.service';
import { UploadedImage } from './uploaded-image.decorator';
import { UploadService } from './upload.service';

@Controller('api/v1/depth')
export class SyncController {
  constructor(
    private readonly uploads: UploadService,
    private readonly sync: SyncService,
  ) {}

  /** The async upload's admission and checks, then the result itself instead of a job to poll. */
  @Post('sync')
  @HttpCode(200)
  @UseGuards(UploadThrottlerGuard, ResultQueryGuard, AdmissionGuard)
  @UseInterceptors(SingleFileInterceptor)
  async create(
    @UploadedImage() file: UploadedFile,
    @Query('format', formatPipe) format: HeatmapFormat,
    @Query('colormap', colormapPipe) colormap: ColormapName,
    @Res({ passthrough: true }) res: Response,
    @Query('model') model?: unknown,
  ): Promise<StreamableFile | undefined> {
    // The worker encodes the format asked for, so the answer needs no second encoding.
    const { job, deduplicated } = await this.uploads.accept(
      file,
      format,
      undefined,
      modelQuery(model),
    );
    res.setHeader(JOB_ID_HEADER, job.id);
    res.setHeader(DEDUPE_HEADER, deduplicated ? 'hit' : 'miss');
    return this.sync.result(job, { format, colormap }, closedBeforeAnswer(res));
  }
}

/** Aborts when the connection closes before the answer is sent: the client stopped waiting. */
function closedBeforeAnswer(res: Response): AbortSignal {
  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  return gone.signal;
}
