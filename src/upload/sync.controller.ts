import { Controller, Post, Query, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { RequestId } from '../common/logging/request-id.decorator';
import { UploadThrottlerGuard } from '../common/throttling/named-throttler.guard';
import { HEATMAP_FORMATS, type HeatmapFormat } from '../inference/pipeline/render-options';
import type { RenderSpec } from '../inference/pipeline/render-spec';
import { AdmissionGuard } from '../jobs/admission.guard';
import { RenderQueryPipe } from '../jobs/dto/render-query.dto';
import { modelQuery } from '../jobs/model-query';
import { sendRendered } from '../results/rendered-result';
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
  @UseGuards(UploadThrottlerGuard, ResultQueryGuard, AdmissionGuard)
  @UseInterceptors(SingleFileInterceptor)
  async create(
    @UploadedImage() file: UploadedFile,
    @Query(RenderQueryPipe) spec: RenderSpec,
    @Res() res: Response,
    @RequestId() requestId?: string,
    @Query('model') model?: unknown,
  ): Promise<void> {
    // A heatmap format asked for is the one the worker encodes, so it needs no second encoding.
    const eager = (HEATMAP_FORMATS as readonly string[]).includes(spec.format)
      ? (spec.format as HeatmapFormat)
      : 'png';
    const { job, deduplicated } = await this.uploads.accept(file, eager, {
      model: modelQuery(model),
      requestId,
    });
    res.setHeader(JOB_ID_HEADER, job.id);
    res.setHeader(DEDUPE_HEADER, deduplicated ? 'hit' : 'miss');
    const clientGone = closedBeforeAnswer(res);
    const rendered = await this.sync.result(job, spec, { clientGone, requestId });
    if (rendered) sendRendered(res, rendered);
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
