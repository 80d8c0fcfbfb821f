import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ints, mulberry32, OnnxGraphBuilder } from './onnx-graph-builder';

/**
 * Models with the official MiDaS small I/O contract ([1,3,H,W] RGB in [0,1]
 * -> [1,H,W]) built by our own code, for tests and demos where the real
 * weights cannot be downloaded. Their "depth" is meaningless but their
 * shapes, names and opset match, so the whole pipeline is exercised.
 */
export interface SyntheticModelOptions {
  width?: number;
  height?: number;
  /** Channels of the hidden 3x3 conv layers; more layers or channels = slower. */
  hidden?: number;
  layers?: number;
  seed?: number;
}

const OPSET = 9;

export function buildSyntheticDepthModel(opts: SyntheticModelOptions = {}): Uint8Array {
  const { width = 256, height = 256, hidden = 8, layers = 1, seed = 42 } = opts;
  const g = new OnnxGraphBuilder(mulberry32(seed));
  let x = g.node('Relu', [g.conv('input', 3, hidden, 3)]);
  for (let i = 1; i < layers; i++) x = g.node('Relu', [g.conv(x, hidden, hidden, 3)]);
  x = g.node('Relu', [g.conv(x, hidden, 1, 1)]);
  g.node('Squeeze', [x], [ints('axes', [1])]);
  return g.build({
    input: 'input',
    inputShape: [1, 3, height, width],
    output: 'depth',
    outputShape: [1, height, width],
    opset: OPSET,
    docString: `synthetic depth model: ${layers} conv layers x ${hidden} channels, seed ${seed}`,
  });
}

/**
 * A 1x1 conv whose output is exactly weights . (r, g, b) of each input pixel.
 * With [1, 0, 0] the "depth" is the red channel, which lets tests check
 * channel order, [0,1] scaling, orientation and upsampling end to end. Its
 * output has the input's size, so it also shows what size was fed; a size of
 * 'dynamic' takes any H and W, as Depth Anything's export does.
 */
export function buildChannelProbeModel(
  weights: [number, number, number],
  size: { width: number; height: number } | 'dynamic' = { width: 256, height: 256 },
  names = { input: 'image', output: 'inverse_depth' },
): Uint8Array {
  const g = new OnnxGraphBuilder();
  const x = g.conv(names.input, 3, 1, 1, { weights });
  g.node('Squeeze', [x], [ints('axes', [1])]);
  const [height, width] = size === 'dynamic' ? ['height', 'width'] : [size.height, size.width];
  return g.build({
    input: names.input,
    inputShape: [1, 3, height, width],
    output: names.output,
    outputShape: [1, height, width],
    opset: OPSET,
    docString: `channel probe model: depth = ${weights.join(',')} . rgb`,
  });
}

/** The generated models the project ships recipes for, by file name. */
export const SYNTHETIC_MODELS: Record<string, () => Uint8Array> = {
  // Fast: a 2-layer conv net, for tests and smoke runs.
  'synthetic-tiny.onnx': () => buildSyntheticDepthModel(),
  // Slow on purpose (hundreds of ms per image): for queue-full and shutdown behaviour.
  'synthetic-slow.onnx': () => buildSyntheticDepthModel({ hidden: 64, layers: 12 }),
  // depth = red channel, so the heatmap is predictable from the input.
  'synthetic-red.onnx': () => buildChannelProbeModel([1, 0, 0]),
  // depth = r + g + b as fed: shows the input size and normalisation the worker used.
  // midas-v21-384's contract: a static 384x384 input.
  'synthetic-probe-384.onnx': () => buildChannelProbeModel([1, 1, 1], { width: 384, height: 384 }),
  // depth-anything-v2-small's contract: any H and W, the onnx-community export's names.
  'synthetic-probe-dynamic.onnx': () =>
    buildChannelProbeModel([1, 1, 1], 'dynamic', {
      input: 'pixel_values',
      output: 'predicted_depth',
    }),
  // Loads and runs, but answers 0 everywhere: must fail the readiness self-check.
  'synthetic-constant.onnx': () => buildChannelProbeModel([0, 0, 0], { width: 384, height: 384 }),
};

/** Writes every synthetic model into dir; returns the paths written. */
export function writeSyntheticModels(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(SYNTHETIC_MODELS).map(([file, build]) => {
    const path = join(dir, file);
    writeFileSync(path, build());
    return path;
  });
}
