import type { SizePolicy, UpsamplingKernel } from '../../inference/model/model-catalog';
import type { ModelPhase } from '../../inference/model-slot';

/** One entry of GET /api/v1/models. */
export interface ModelInfoDto {
  id: string;
  /** The model a request without `model=` gets; readiness follows it. */
  default: boolean;
  /** In MODELS, so requests may choose it; ready says whether it takes jobs now. */
  loaded: boolean;
  ready: boolean;
  phase: ModelPhase | 'not-loaded';
  detail: string;
  /** Digest of the file being served, once found. */
  sha256?: string;
  /** Where the file came from: MODEL_PATH, MODEL_PATHS, models directory or download. */
  source?: string;
  contract: {
    input: SizePolicy;
    normalization: 'in-graph' | 'imagenet';
    channelOrder: 'rgb' | 'bgr';
    upsampling: UpsamplingKernel;
    output: 'relative-inverse-depth';
  };
  /** Names and static sizes read from the loaded session (null = any size). */
  io?: {
    inputName: string;
    outputName: string;
    inputWidth: number | null;
    inputHeight: number | null;
  };
}
