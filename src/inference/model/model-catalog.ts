import type { UpsampleKernel } from '../pipeline/render-options';
/** How the input is sized before it is fed to the network. */
export type SizePolicy =
  /** A plain resize to exactly this size; the aspect ratio is not kept (MiDaS does this). */
  | { kind: 'fixed'; width: number; height: number }
  /**
   * Keeps the aspect ratio: scaled so that both sides are at least lowerBound,
   * each rounded to a multiple of multipleOf (Depth Anything's "lower_bound"
   * resize). maxSide caps the long side, so a panorama cannot make a huge tensor.
   */
  | { kind: 'keep-aspect'; lowerBound: number; multipleOf: number; maxSide: number };

/** PyTorch's interpolation modes with align_corners=False; the type lives with the render options. */
export type UpsamplingKernel = UpsampleKernel;

/** How a depth model wants its input and what its output means; the worker follows it. */
export interface ModelContract {
  input: SizePolicy;
  /** 'in-graph': feed RGB in [0,1]; 'imagenet': apply ImageNet mean/std before feeding. */
  normalization: 'in-graph' | 'imagenet';
  channelOrder: 'rgb' | 'bgr';
  /** How the network's output is brought back to the photo's size. */
  upsampling: UpsamplingKernel;
  /** What a bigger output value means. */
  output: 'relative-inverse-depth';
}

export interface CatalogModel {
  id: string;
  file: string;
  url: string;
  /**
   * Size and digest of the official file. Absent = not pinned yet: the file is
   * accepted as found or downloaded and a loud warning gives the values to pin.
   */
  bytes?: number;
  sha256?: string;
  contract: ModelContract;
}

export const MODEL_CATALOG: readonly CatalogModel[] = [
  {
    id: 'midas-v21-small-256',
    file: 'midas-v21-small-256.onnx',
    url: 'https://github.com/isl-org/MiDaS/releases/download/v2_1/model-small.onnx',
    bytes: 66_764_249,
    sha256: '2d8c6cb8f415229daf1eb041024208e2608c9f98e17c81cc7c6ecb449c56fd58',
    contract: {
      input: { kind: 'fixed', width: 256, height: 256 },
      // ImageNet mean/std is part of the exported graph; normalising here would do it twice.
      normalization: 'in-graph',
      channelOrder: 'rgb',
      upsampling: 'bicubic',
      output: 'relative-inverse-depth',
    },
  },
  {
    id: 'midas-v21-384',
    file: 'midas-v21-384.onnx',
    url: 'https://github.com/isl-org/MiDaS/releases/download/v2_1/model-f6b98070.onnx',
    // Not pinned: no verified copy was available when the entry was added (see README "Models").
    contract: {
      input: { kind: 'fixed', width: 384, height: 384 },
      normalization: 'in-graph',
      channelOrder: 'rgb',
      upsampling: 'bicubic',
      output: 'relative-inverse-depth',
    },
  },
  {
    id: 'depth-anything-v2-small',
    file: 'depth-anything-v2-small.onnx',
    url: 'https://huggingface.co/onnx-community/depth-anything-v2-small/resolve/main/onnx/model.onnx',
    bytes: 99_060_839,
    sha256: 'afb6a5c28f3b6bf1618c6e43f02073ef9dfdc70e937502d51603e57b0a1df10c',
    contract: {
      // The ViT takes 14x14 patches; 518 is the size it was trained at.
      input: { kind: 'keep-aspect', lowerBound: 518, multipleOf: 14, maxSide: 518 * 4 },
      // The export expects pixel_values already normalised, as its image processor does.
      normalization: 'imagenet',
      channelOrder: 'rgb',
      upsampling: 'bilinear',
      output: 'relative-inverse-depth',
    },
  },
];

export const DEFAULT_MODEL_ID = MODEL_CATALOG[0].id;

export function findCatalogModel(id: string): CatalogModel | undefined {
  return MODEL_CATALOG.find((model) => model.id === id);
}

/** The network input size for an upright photo of width x height under a size policy. */
export function inputSizeFor(
  policy: SizePolicy,
  width: number,
  height: number,
): { width: number; height: number } {
  if (policy.kind === 'fixed') return { width: policy.width, height: policy.height };
  const { lowerBound, multipleOf, maxSide } = policy;
  // Scale as little as possible while both sides reach the lower bound...
  let scale = Math.max(lowerBound / width, lowerBound / height);
  // ...unless the long side would then pass the cap.
  scale = Math.min(scale, maxSide / Math.max(width, height));
  const side = (length: number) => {
    const exact = length * scale;
    let rounded = Math.round(exact / multipleOf) * multipleOf;
    if (rounded > maxSide) rounded = Math.floor(exact / multipleOf) * multipleOf;
    if (rounded < lowerBound) rounded = Math.ceil(exact / multipleOf) * multipleOf;
    return Math.max(multipleOf, rounded);
  };
  return { width: side(width), height: side(height) };
}
