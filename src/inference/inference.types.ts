/**
 * Plain data exchanged with the inference worker threads. No classes and no
 * Nest types: everything here crosses a structured-clone boundary.
 */
import type { ModelContract } from './model/model-catalog';
import type { ColormapName } from './pipeline/render-options';
import type { DepthRange, HeatmapFormat, HeatmapSize } from './pipeline/postprocess';

export interface WorkerConfig {
  modelPath: string;
  intraOpThreads: number;
  /** Threads of a second session used when a job runs alone; not loaded when not above intraOpThreads. */
  soloThreads: number;
  /** Whether idle intra-op threads may spin: not when the pool over-subscribes the cores. */
  spinning: boolean;
  /** Linux nice value for this thread and the ONNX Runtime threads it creates. */
  nice: number;
  contract: ModelContract;
  maxInputPixels: number;
}

export interface ModelIo {
  inputName: string;
  outputName: string;
  inputWidth: number;
  inputHeight: number;
}

export type WorkerTask =
  | { kind: 'warmup' }
  | {
      kind: 'depth';
      jobId: string;
      image: Uint8Array;
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
  depth: Float32Array;
  range: DepthRange;
  size: HeatmapSize;
  colormap: ColormapName;
  format: HeatmapFormat;
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

export interface DepthResult {
  kind: 'depth';
  /** Encoded heatmap at the upright original's size. */
  heatmap: Uint8Array;
  format: HeatmapFormat;
  width: number;
  height: number;
  /** Raw network output (relative inverse depth), row-major depthWidth x depthHeight. */
  depth: Float32Array;
  depthWidth: number;
  depthHeight: number;
  depthMin: number;
  depthMax: number;
  timings: { decodeMs: number; inferenceMs: number; postprocessMs: number };
  /** Intra-op threads the inference ran on. */
  threads: number;
}

/** An input the decoder refused: an expected outcome, so it is returned rather than thrown. */
export interface UndecodableResult {
  kind: 'undecodable';
  message: string;
}
