import { efficientNetLite3 } from './efficientnet-lite';
import { GAIN, ints, mulberry32, OnnxGraphBuilder } from './onnx-graph-builder';

/**
 * A network shaped like the official MiDaS v2.1 small (MidasNet_small: EfficientNet-Lite3
 * encoder, features 64 with expand, four fusion blocks, the same head) with seeded random
 * weights. Its depth is meaningless, but it costs what the real model costs to run, so
 * benchmarks can use it where the real weights cannot be downloaded. About 67 MB, like the
 * real file: never part of the test models.
 */
export interface BenchModelOptions {
  /** Symbolic batch dimension 'N' ([N,3,256,256] -> [N,256,256]); same weights. */
  dynamicBatch?: boolean;
  seed?: number;
  /** Decoder widths from the finest level to the coarsest, and of the head's two convs. */
  widths?: DecoderWidths;
}

export interface DecoderWidths {
  levels: [number, number, number, number];
  head: [number, number];
}

/** MidasNet_small as published: features 64 with expand, head 32 -> 32. */
export const FAITHFUL_WIDTHS: DecoderWidths = { levels: [64, 128, 256, 512], head: [32, 32] };

/**
 * Cost-matched: the same stages, blocks and op counts, with the decoder's
 * fine, expensive levels narrowed until the model runs at the speed the real
 * network is stated to run at on these machines (62 ms at 1 thread, 30 ms at
 * 2). The faithful widths cost 2-2.5x that here (BENCHMARKS.md), which would
 * flatter every pre/post-processing ratio; the coarse levels that hold most
 * of the weights keep their width, so the parameter count stays close.
 */
export const COST_MATCHED_WIDTHS: DecoderWidths = { levels: [32, 64, 128, 512], head: [16, 16] };

const SIZE = 256;
const OPSET = 9;
const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

export function buildBenchModel(opts: BenchModelOptions = {}): Uint8Array {
  const { dynamicBatch = false, seed = 42, widths: w = COST_MATCHED_WIDTHS } = opts;
  const g = new OnnxGraphBuilder(mulberry32(seed));
  // The official graph normalises itself, so the service feeds RGB in [0,1] to both.
  const mean = g.weight([1, 3, 1, 1], IMAGENET_MEAN);
  const std = g.weight([1, 3, 1, 1], IMAGENET_STD);
  const normalised = g.node('Div', [g.node('Sub', ['input', mean]), std]);

  const encoder = efficientNetLite3(g, normalised);
  // layer1_rn..layer4_rn: 3x3 convs without bias (faithfully to 64, 128, 256, 512 channels).
  const widths = w.levels;
  const layers = encoder.names.map((name, i) =>
    g.conv(name, encoder.channels[i], widths[i], 3, { bias: false, gain: GAIN.linear }),
  );
  // refinenet4 sees layer4 alone; refinenet1 keeps its width (MiDaS builds it without expand).
  let path = fusionBlock(g, layers[3], undefined, widths[3], widths[2]);
  path = fusionBlock(g, path, layers[2], widths[2], widths[1]);
  path = fusionBlock(g, path, layers[1], widths[1], widths[0]);
  path = fusionBlock(g, path, layers[0], widths[0], widths[0]);

  const [h1, h2] = w.head;
  let y = g.upsample(g.conv(path, widths[0], h1, 3, { gain: GAIN.linear }), 2);
  y = g.node('Relu', [g.conv(y, h1, h2, 3, { gain: GAIN.relu })]);
  // Its inputs are post-ReLU, so signed random weights would leave ~99% of the map zero after
  // the final ReLU; non-negative ones give a dense map, as the real model's is.
  const positive = mulberry32(seed + 1);
  const weights = Array.from({ length: h2 }, () => positive() * Math.sqrt(2 / h2));
  y = g.node('Relu', [g.conv(y, h2, 1, 1, { weights })]);
  g.node('Squeeze', [y], [ints('axes', [1])]);

  const batch = dynamicBatch ? 'N' : 1;
  return g.build({
    input: 'input',
    inputShape: [batch, 3, SIZE, SIZE],
    output: 'depth',
    outputShape: [batch, SIZE, SIZE],
    opset: OPSET,
    docString: `MiDaS v2.1 small-shaped benchmark model with random weights, seed ${seed}`,
  });
}

/**
 * FeatureFusionBlock_custom: x [+ RCU(skip)] -> RCU -> x2 bilinear -> 1x1 out_conv. The
 * skip-less refinenet4 has no resConfUnit1, which is why the official export holds ~16.7M
 * weights against ~21.3M parameters in the PyTorch model.
 */
function fusionBlock(
  g: OnnxGraphBuilder,
  x: string,
  skip: string | undefined,
  channels: number,
  outChannels: number,
): string {
  let y = skip ? g.node('Add', [x, residualConvUnit(g, skip, channels)]) : x;
  y = g.upsample(residualConvUnit(g, y, channels), 2);
  return g.conv(y, channels, outChannels, 1, { gain: GAIN.linear });
}

/** ReLU -> conv3x3 -> ReLU -> conv3x3, plus the (pre-activation) input. */
function residualConvUnit(g: OnnxGraphBuilder, x: string, channels: number): string {
  let y = g.conv(g.node('Relu', [x]), channels, channels, 3, { gain: GAIN.relu });
  y = g.conv(g.node('Relu', [y]), channels, channels, 3, { gain: GAIN.residual });
  return g.node('Add', [y, x]);
}

/** Recipes for npm run model:bench, by file name; kept apart from the fast test models. */
export const BENCH_MODELS: Record<string, () => Uint8Array> = {
  'midas-small-bench.onnx': () => buildBenchModel(),
  // Same weights with a symbolic batch, for batched-inference benchmarks.
  'midas-small-bench-dynamic.onnx': () => buildBenchModel({ dynamicBatch: true }),
  // The published widths, for reference: what the cost-matching changed (raw benchmark).
  'midas-small-bench-faithful.onnx': () => buildBenchModel({ widths: FAITHFUL_WIDTHS }),
};
