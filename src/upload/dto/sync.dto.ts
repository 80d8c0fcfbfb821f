import type { ColormapName } from '../../inference/pipeline/colormap';
import type { HeatmapFormat } from '../../inference/pipeline/postprocess';

/** On every answer of POST /api/v1/depth/sync that has a job, so a client can fetch it again later. */
export const JOB_ID_HEADER = 'X-Job-Id';

/** How the sync route renders its job: the result route's query parameters. */
export interface SyncOutput {
  format: HeatmapFormat;
  colormap: ColormapName;
}
