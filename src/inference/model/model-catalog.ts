/** How a depth model wants its input and what its output means. */
export interface ModelContract {
  /** Fixed resize target; the aspect ratio is not kept (MiDaS small does a plain resize). */
  inputWidth: number;
  inputHeight: number;
  /** 'in-graph': feed RGB in [0,1]; 'imagenet': apply ImageNet mean/std before feeding. */
  normalization: 'in-graph' | 'imagenet';
  channelOrder: 'rgb' | 'bgr';
  /** What a bigger output value means. */
  output: 'relative-inverse-depth';
}

export interface CatalogModel {
  id: string;
  file: string;
  url: string;
  bytes: number;
  sha256: string;
  opset: number;
  contract: ModelContract;
}

export const MODEL_CATALOG: readonly CatalogModel[] = [
  {
    id: 'midas-v21-small-256',
    file: 'midas-v21-small-256.onnx',
    url: 'https://github.com/isl-org/MiDaS/releases/download/v2_1/model-small.onnx',
    bytes: 66_764_249,
    sha256: '2d8c6cb8f415229daf1eb041024208e2608c9f98e17c81cc7c6ecb449c56fd58',
    opset: 9,
    contract: {
      inputWidth: 256,
      inputHeight: 256,
      // ImageNet mean/std is part of the exported graph; normalising here would do it twice.
      normalization: 'in-graph',
      channelOrder: 'rgb',
      output: 'relative-inverse-depth',
    },
  },
];

export const DEFAULT_MODEL_ID = MODEL_CATALOG[0].id;

export function findCatalogModel(id: string): CatalogModel | undefined {
  return MODEL_CATALOG.find((model) => model.id === id);
}
