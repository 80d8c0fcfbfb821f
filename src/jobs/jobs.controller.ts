import { Controller, Get, Param, Query, Res, StreamableFile, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ReadThrottlerGuard } from '../common/throttling/named-throttler.guard';
import type { ColormapName } from '../inference/pipeline/colormap';
import type { HeatmapFormat } from '../inference/pipeline/postprocess';
import type { JobStatusDto } from './dto/job-status.dto';
import { toJobStatusDto } from './dto/job-status.mapper';
import type { OutputsDto } from './dto/outputs.dto';
import { colormapPipe, formatPipe, OUTPUT_FORMATS, OUTPUTS } from './dto/result-query';
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

  /** The heatmap when done, 202 with the status while pending, the failure otherwise. */
  @Get('depth/:id/result')
  async result(
    @Param('id') id: string,
    @Query('format', formatPipe) format: HeatmapFormat,
    @Query('colormap', colormapPipe) colormap: ColormapName,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile | JobStatusDto> {
    const job = await this.jobs.find(id);
    const heatmap = await this.jobs.heatmap(job, format, colormap);
    if (!heatmap) {
      res.status(202);
      return toJobStatusDto(job, this.jobs.positionOf(job));
    }
    const output = OUTPUT_FORMATS.find((candidate) => candidate.id === format)!;
    // The name is built from the server's own UUID and fixed words only.
    const filename = `depth-${job.id}-${colormap}.${output.extension}`;
    return new StreamableFile(heatmap, {
      type: output.mediaType,
      length: heatmap.length,
      disposition: `inline; filename="${filename}"`,
    });
  }
}
