import {
  BadRequestException,
  Controller,
  DefaultValuePipe,
  Get,
  Param,
  ParseEnumPipe,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import type { Response } from 'express';
import { JobStatusDto, toJobStatusDto } from './dto/job-status.dto';
import { JobsService } from './jobs.service';

enum HeatmapFormatParam {
  png = 'png',
  jpeg = 'jpeg',
}

const CONTENT_TYPES = { png: 'image/png', jpeg: 'image/jpeg' } as const;

const badFormat = () => new BadRequestException('format must be one of: png, jpeg.');

@Controller('api/v1/depth')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get(':id')
  async status(@Param('id') id: string): Promise<JobStatusDto> {
    const job = await this.jobs.find(id);
    return toJobStatusDto(job, this.jobs.positionOf(job));
  }

  /** The heatmap when done, 202 with the status while pending, the failure otherwise. */
  @Get(':id/result')
  async result(
    @Param('id') id: string,
    @Query(
      'format',
      new DefaultValuePipe('png'),
      new ParseEnumPipe(HeatmapFormatParam, { exceptionFactory: badFormat }),
    )
    format: HeatmapFormatParam,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile | JobStatusDto> {
    const job = await this.jobs.find(id);
    const heatmap = await this.jobs.heatmap(job, format);
    if (!heatmap) {
      res.status(202);
      return toJobStatusDto(job, this.jobs.positionOf(job));
    }
    return new StreamableFile(heatmap, { type: CONTENT_TYPES[format], length: heatmap.length });
  }
}
