import { GAIN, OnnxGraphBuilder } from './onnx-graph-builder';

/** expand ratio, depthwise kernel, stride of the first block, out channels, repeats */
type Stage = [expand: number, kernel: number, stride: number, out: number, repeats: number];

/**
 * EfficientNet-Lite3 as MiDaS v2.1 small gets it from geffnet's tf_efficientnet_lite3:
 * the B0 stages scaled by width 1.2 and depth 1.4 (channels rounded to multiples of 8, never
 * more than 10% down; repeats rounded up), except the stem and the first and last stages.
 * Lite means ReLU6 everywhere and no squeeze-excite; batch norm is folded into the conv biases.
 */
export const LITE3_STAGES: readonly Stage[] = [
  [1, 3, 1, 24, 1],
  [6, 3, 2, 32, 3],
  [6, 5, 2, 48, 3],
  [6, 3, 2, 96, 5],
  [6, 5, 1, 136, 5],
  [6, 5, 2, 232, 6],
  [6, 3, 1, 384, 1],
];
const STEM_CHANNELS = 32;

/** MiDaS' layer1..layer4 end after these stages: 32 ch at 1/4, 48 at 1/8, 136 at 1/16, 384 at 1/32. */
const FEATURE_STAGES = [1, 2, 4, 6];

export interface EncoderFeatures {
  names: string[];
  channels: number[];
}

/** The encoder trunk (no head conv: MiDaS does not use it); returns its four feature maps. */
export function efficientNetLite3(g: OnnxGraphBuilder, input: string): EncoderFeatures {
  let x = g.relu6(g.conv(input, 3, STEM_CHANNELS, 3, { stride: 2, gain: GAIN.relu }));
  let channels = STEM_CHANNELS;
  const features: EncoderFeatures = { names: [], channels: [] };
  LITE3_STAGES.forEach(([expand, kernel, stride, out, repeats], stage) => {
    for (let i = 0; i < repeats; i++) {
      x = invertedResidual(g, x, channels, out, expand, kernel, i === 0 ? stride : 1);
      channels = out;
    }
    if (FEATURE_STAGES.includes(stage)) {
      features.names.push(x);
      features.channels.push(channels);
    }
  });
  return features;
}

/** MBConv: [1x1 expand + ReLU6] -> depthwise kxk + ReLU6 -> linear 1x1 projection [+ input]. */
function invertedResidual(
  g: OnnxGraphBuilder,
  x: string,
  inCh: number,
  outCh: number,
  expand: number,
  kernel: number,
  stride: number,
): string {
  const mid = inCh * expand;
  const residual = stride === 1 && inCh === outCh;
  let y = expand === 1 ? x : g.relu6(g.conv(x, inCh, mid, 1, { gain: GAIN.relu }));
  y = g.relu6(g.conv(y, mid, mid, kernel, { stride, group: mid, gain: GAIN.relu }));
  y = g.conv(y, mid, outCh, 1, { gain: residual ? GAIN.residual : GAIN.linear });
  return residual ? g.node('Add', [x, y]) : y;
}
