import { StreamableFile } from '@nestjs/common';
import { JobExpiredError } from '../jobs/errors/job.errors';
import { OUTPUT_FORMATS } from '../jobs/dto/result-query';
import { JobsService } from '../jobs/jobs.service';
import type { Job } from '../results/job.entity';
import type { SyncOutput } from './dto/sync.dto';

/**
 * The sync route's one use of rendering: the same call, media type and
 * Content-Disposition as GET /api/v1/depth/:id/result, so both routes answer
 * a job with the same bytes and headers. When the result formats move to one
 * shared renderer, this function is what to swap for it.
 */
export async function renderFinishedJob(
  jobs: JobsService,
  job: Job,
  { format, colormap }: SyncOutput,
): Promise<StreamableFile> {
  // A failed job throws the result route's 422/500 here.
  const heatmap = await jobs.heatmap(job, format, colormap);
  // Only an expired job is finished without a heatmap; it cannot expire while a client waits for it.
  if (!heatmap) throw new JobExpiredError(job.id);
  const output = OUTPUT_FORMATS.find((candidate) => candidate.id === format)!;
  const filename = `depth-${job.id}-${colormap}.${output.extension}`;
  return new StreamableFile(heatmap, {
    type: output.mediaType,
    length: heatmap.length,
    disposition: `inline; filename="${filename}"`,
  });
}
