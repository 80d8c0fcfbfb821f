import { Controller, Get, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ReadThrottlerGuard } from '../common/throttling/named-throttler.guard';
import type { RenderSpec } from '../inference/pipeline/render-spec';
import { depthHeaders, sendRendered } from '../results/rendered-result';
import type { JobStatusDto } from './dto/job-status.dto';
import { toJobStatusDto } from './dto/job-status.mapper';
import { OUTPUTS, type OutputsDto } from './dto/outputs.dto';
import { RenderQueryPipe } from './dto/render-query.dto';
import { JobsService } from './jobs.service';

@Controller('api/v1')
@UseGuards(ReadThrottlerGuard)
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  /** What the result route can render, so clients need no hard-coded lists. */
  @Get('outputs')
  outputs(): OutputsDto {
    return OUTPUTS;
  }

  @Get('depth/:id')
  async status(@Param('id') id: string): Promise<JobStatusDto> {
    const job = await this.jobs.find(id);
    return toJobStatusDto(job, this.jobs.positionOf(job));
  }

  /** The rendering when done, 202 with the status while pending, the failure otherwise. */
  @Get('depth/:id/result')
  async result(
    @Param('id') id: string,
    @Query(RenderQueryPipe) spec: RenderSpec,
    @Res() res: Response,
  ): Promise<void> {
    const job = await this.jobs.find(id);
    const rendered = await this.jobs.render(job, spec);
    if (rendered) return sendRendered(res, rendered);
    res
      .status(202)
      .set(depthHeaders(job.output))
      .json(toJobStatusDto(job, this.jobs.positionOf(job)));
  }
}
