import { performance } from 'node:perf_hooks';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import { MODEL_CATALOG } from '../../src/inference/model/model-catalog';
import { applyLut, INFERNO } from '../../src/inference/pipeline/colormap';
import { encodeIndexedPng } from '../../src/inference/pipeline/indexed-png';
import { encodeJpeg, photoDepth } from '../../src/inference/pipeline/postprocess';
import { decodeForModel, toInputTensor } from '../../src/inference/pipeline/preprocess';
import { toLevels } from '../../src/inference/pipeline/upsample';
import { sessionOptions } from '../../src/inference/session-options';
import type { BenchPhoto } from './photos';
import { median, round } from './stats';

export const CONTRACT = MODEL_CATALOG[0].contract;
const STAGES = ['decode', 'tensor', 'infer', 'upsample', 'pngPalette', 'colormapRgb', 'encodeJpeg'];

/**
 * The worker's per-image path, one stage at a time on this thread, each
 * timed: where the time goes, not how fast the pool is. Medians per stage
 * over every photo of the mix, `rounds` times.
 */
export async function stageCosts(
  photos: BenchPhoto[],
  modelPath: string,
  threads: number,
  rounds = 3,
): Promise<Record<string, number>> {
  sharp.concurrency(threads);
  const session = await InferenceSession.create(modelPath, sessionOptions(threads));
  const samples: Record<string, number[]> = Object.fromEntries(STAGES.map((s) => [s, []]));
  const time = async <T>(stage: string, work: () => T | Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    samples[stage].push(performance.now() - started);
    return result;
  };
  for (let round = 0; round <= rounds; round++) {
    if (round === 1) for (const s of STAGES) samples[s].length = 0; // round 0 warms up
    for (const photo of photos) {
      // With the upright size, as the service's worker gets it from admission.
      const upright = { width: photo.width, height: photo.height };
      const decoded = await time('decode', () =>
        decodeForModel(photo.bytes, CONTRACT.input, 1e8, upright),
      );
      const data = await time('tensor', () => toInputTensor(decoded.rgb, decoded, CONTRACT));
      const input = new Tensor('float32', data, [1, 3, decoded.inputHeight, decoded.inputWidth]);
      const output = await time('infer', () => session.run({ [session.inputNames[0]]: input }));
      const depth = output[session.outputNames[0]].data as Float32Array;
      const size = { depthWidth: 256, depthHeight: 256, width: photo.width, height: photo.height };
      const source = await time('upsample', () => photoDepth(depth, size, 'bicubic'));
      // PNG: the palette is the colormap, so there is no per-pixel colour step.
      await time('pngPalette', () => encodeIndexedPng(source, size.width, size.height, INFERNO));
      // JPEG: 16-bit levels coloured through the LUT, then sharp.
      const rgb = await time('colormapRgb', () =>
        applyLut(toLevels(source.values, source.range), INFERNO),
      );
      await time('encodeJpeg', () => encodeJpeg(rgb, size));
    }
  }
  await session.release();
  return Object.fromEntries(STAGES.map((s) => [s, round(median(samples[s]), 2)]));
}
