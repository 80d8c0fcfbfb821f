/**
 * Plain data exchanged with the inference worker threads. No classes and no
 * Nest types: everything here crosses a structured-clone boundary.
 */
import type { ModelContract, UpsamplingKernel } from './model/model-catalog';
import type { DepthRange, HeatmapFormat, HeatmapSize } from './pipeline/postprocess';
import type { UpsampleKernel } from './pipeline/render-options';
import type { RenderSpec } from './pipeline/render-spec';
import type { SpinPolicy } from './session-options';

export interface WorkerConfig {
  /** Catalog id of the one model this pool's threads load. */
  modelId: string;
  modelPath: string;
  intraOpThreads: number;
  /** Threads of a second session used when a job runs alone; not loaded when not above intraOpThreads. */
  soloThreads: number;
  /** Whether idle intra-op threads may spin, per session kind: not where they would share cores. */
  spinning: SpinPolicy;
  /** Linux nice value for this thread and the ONNX Runtime threads it creates. */
  nice: number;
  contract: ModelContract;
  maxInputPixels: number;
}

export interface ModelIo {
  inputName: string;
  outputName: string;
  /** Static spatial size of the input, or null where the model takes any size. */
  inputWidth: number | null;
  inputHeight: number | null;
}

/** A photo's size after its EXIF orientation is applied. */
export interface UprightSize {
  width: number;
  height: number;
}

/**
 * An image to run: its bytes, and its upright size when admission has
 * already read the header (the worker then does not read it again).
 */
export interface ImageInput {
  bytes: Uint8Array;
  upright?: UprightSize;
}

export type WorkerTask =
  | { kind: 'warmup' }
  | { kind: 'selfcheck' }
  | {
      kind: 'depth';
      jobId: string;
      image: Uint8Array;
      upright?: UprightSize;
      format: HeatmapFormat;
      /** Nothing else is running: use the session that spans every core. */
      solo: boolean;
      /** Backs a TaskControl: cancellation flag and current stage. */
      control: SharedArrayBuffer;
    }
  | RenderTask;

/** Another rendering of a finished job's stored depth, off the main thread. */
export interface RenderTask {
  kind: 'render';
  /** Model-sized raw depth, as stored with the job. */
  depth: Float32Array;
  size: HeatmapSize;
  kernel: UpsampleKernel;
  /** The job's depthMin/depthMax: min-max of the photo-sized depth. */
  range: DepthRange;
  /** A normalised spec of any format but json. */
  spec: RenderSpec;
  /** The upload's bytes, sent only for renderings that show the photo. */
  original?: Uint8Array;
}

export interface RenderResult {
  kind: 'render';
  bytes: Uint8Array;
}

export interface WarmupResult {
  kind: 'warmup';
  threadId: number;
  io: ModelIo;
  loadMs: number;
}

/** The readiness self-check's outcome; problem names the failed check. */
export interface SelfCheckResult {
  kind: 'selfcheck';
  problem?: string;
  inputWidth: number;
  inputHeight: number;
  ms: number;
}

export interface DepthResult {
  kind: 'depth';
  /** Encoded heatmap at the upright original's size. */
  heatmap: Uint8Array;
  format: HeatmapFormat;
  width: number;
  height: number;
  /** The upload, handed back (transferred, not copied) so that the job can keep it. */
  image: Uint8Array;
  /** Raw network output (relative inverse depth), row-major depthWidth x depthHeight. */
  depth: Float32Array;
  depthWidth: number;
  depthHeight: number;
  /** Min-max of the depth at the photo's size, which the heatmap is normalised by. */
  depthMin: number;
  depthMax: number;
  /** The kernel the model declares for bringing depth back to the photo's size. */
  upsampling: UpsamplingKernel;
  timings: { decodeMs: number; inferenceMs: number; postprocessMs: number };
  /** Intra-op threads the inference ran on. */
  threads: number;
}

/** An input the decoder refused: an expected outcome, so it is returned rather than thrown. */
export interface UndecodableResult {
  kind: 'undecodable';
  message: string;
}
