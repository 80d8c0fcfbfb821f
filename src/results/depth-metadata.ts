import { DEPTH_MEANING, type UpsampleKernel } from '../inference/pipeline/render-options';
import type { Job } from './job.entity';

/** format=json: what a finished job's depth is, without the depth itself. */
export interface DepthMetadata {
  id: string;
  model: string;
  meaning: typeof DEPTH_MEANING;
  /** The photo's upright size: every image and float export has it. */
  width: number;
  height: number;
  /** The network's output size, which was upsampled to the photo's. */
  depthWidth: number;
  depthHeight: number;
  upsampling: UpsampleKernel;
  /** Min-max of the depth at the photo's size (the npy/pfm values). */
  min: number;
  max: number;
}

export function depthMetadata(job: Job): DepthMetadata {
  const output = job.output;
  if (!output) throw new Error(`Job ${job.id} has no output to describe.`);
  return {
    id: job.id,
    model: output.model,
    meaning: DEPTH_MEANING,
    width: output.width,
    height: output.height,
    depthWidth: output.depthWidth,
    depthHeight: output.depthHeight,
    upsampling: output.upsampling,
    min: output.depthMin,
    max: output.depthMax,
  };
}
