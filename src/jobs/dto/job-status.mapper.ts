import { DEPTH_MEANING } from '../../inference/pipeline/render-options';
import type { Job } from '../../results/job.entity';
import type { JobStatusDto } from './job-status.dto';

export function jobUrls(id: string) {
  return { statusUrl: `/api/v1/depth/${id}`, resultUrl: `/api/v1/depth/${id}/result` };
}

export function toJobStatusDto(job: Job, queuePosition?: number): JobStatusDto {
  const iso = (ms?: number) => (ms === undefined ? undefined : new Date(ms).toISOString());
  const output = job.output;
  return {
    id: job.id,
    status: job.status,
    model: job.model,
    queuePosition,
    createdAt: new Date(job.createdAt).toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    timings: job.timings,
    error: job.failure,
    result: output && {
      url: jobUrls(job.id).resultUrl,
      width: output.width,
      height: output.height,
      depthMin: output.depthMin,
      depthMax: output.depthMax,
      model: output.model,
      meaning: DEPTH_MEANING,
    },
  };
}
