import { performance } from 'node:perf_hooks';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import { applyLut, INFERNO } from '../../src/inference/pipeline/colormap';
import { encodeIndexedPng } from '../../src/inference/pipeline/indexed-png';
import { useNativeKernels } from '../../src/inference/pipeline/native-kernels';
import { DEFLATE } from '../../src/inference/pipeline/png-file';
import { depthRange, photoDepth } from '../../src/inference/pipeline/postprocess';
import { decodeForModel, toInputTensor } from '../../src/inference/pipeline/preprocess';
import { toLevels, type Upsampled } from '../../src/inference/pipeline/upsample';
import { sessionOptions } from '../../src/inference/session-options';
import type { BenchPhoto } from './photos';
import { CONTRACT } from './stages';
import { median, round } from './stats';

export interface LeverRow {
  step: string;
  variant: string;
  msPerImage: number;
  kBPerImage?: number;
}

/**
 * Post-processing choices measured side by side on the bench model's real
 * output for each photo of the mix: what the service does now against what
 * it did before (libvips upsampling, RGB PNG at level 6, optimised JPEG).
 */
export async function postprocessLevers(photos: BenchPhoto[], modelPath: string) {
  const session = await InferenceSession.create(modelPath, sessionOptions(1));
  const cases = [] as {
    source: Upsampled;
    levels: Uint16Array;
    depth: Float32Array;
    w: number;
    h: number;
  }[];
  for (const photo of photos) {
    const decoded = await decodeForModel(photo.bytes, CONTRACT.input, 1e8);
    const data = toInputTensor(decoded.rgb, decoded, CONTRACT);
    const input = new Tensor('float32', data, [1, 3, 256, 256]);
    const out = await session.run({ [session.inputNames[0]]: input });
    const depth = out[session.outputNames[0]].data as Float32Array;
    const size = { depthWidth: 256, depthHeight: 256, width: photo.width, height: photo.height };
    const source = photoDepth(depth, size, 'bicubic');
    cases.push({
      source,
      levels: toLevels(source.values, source.range),
      depth,
      ...size,
      w: photo.width,
      h: photo.height,
    });
  }
  await session.release();
  const measure = async (
    step: string,
    variant: string,
    work: (c: (typeof cases)[number]) => unknown,
  ): Promise<LeverRow> => {
    const times: number[] = [];
    let bytes = 0;
    for (let round = 0; round < 4; round++) {
      for (const c of cases) {
        const t = performance.now();
        const out = await work(c);
        if (round > 0) times.push(performance.now() - t);
        if (round === 1 && out instanceof Uint8Array) bytes += out.length;
      }
    }
    const kB = bytes ? round(bytes / cases.length / 1024) : undefined;
    return { step, variant, msPerImage: round(median(times), 2), kBPerImage: kB };
  };
  const rgbOf = (c: (typeof cases)[number]) =>
    sharp(applyLut(c.levels, INFERNO), { raw: { width: c.w, height: c.h, channels: 3 } });
  const range = (c: (typeof cases)[number]) => depthRange(c.depth);
  const upsample = (c: (typeof cases)[number]) =>
    photoDepth(c.depth, { depthWidth: 256, depthHeight: 256, width: c.w, height: c.h }, 'bicubic');
  // The JS kernels, as before the C addon: the same bytes, more time.
  const inJs =
    <T>(work: (c: (typeof cases)[number]) => T) =>
    (c: (typeof cases)[number]) => {
      useNativeKernels(false);
      try {
        return work(c);
      } finally {
        useNativeKernels(true);
      }
    };
  return [
    await measure('upsample', 'C separable bicubic (now)', upsample),
    await measure('upsample', 'JS separable bicubic (before)', inJs(upsample)),
    await measure('upsample', 'libvips cubic, 16-bit (before)', async (c) => {
      const { min, max } = range(c);
      const levels = Uint16Array.from(c.depth, (v) => ((v - min) / (max - min || 1)) * 65535);
      return sharp(levels, { raw: { width: 256, height: 256, channels: 1 } })
        .toColourspace('grey16')
        .resize(c.w, c.h, { fit: 'fill', kernel: 'cubic' })
        .raw({ depth: 'ushort' })
        .toBuffer();
    }),
    await measure('png', 'palette, Sub filter, Huffman-only, C loop and deflate (now)', (c) =>
      encodeIndexedPng(c.source, c.w, c.h, INFERNO),
    ),
    await measure(
      'png',
      'palette, Sub filter, Huffman-only, JS loop and zlib (before)',
      inJs((c) => encodeIndexedPng(c.source, c.w, c.h, INFERNO)),
    ),
    await measure('png', 'palette, Sub filter, RLE deflate (before)', (c) =>
      encodeIndexedPng(c.source, c.w, c.h, INFERNO, DEFLATE),
    ),
    await measure('png', 'LUT + sharp RGB, level 6 (before)', (c) =>
      rgbOf(c).png({ compressionLevel: 6 }).toBuffer(),
    ),
    await measure('png', 'LUT + sharp RGB, level 1, no filtering', (c) =>
      rgbOf(c).png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer(),
    ),
    await measure('jpeg', 'LUT + q90, no Huffman optimisation (now)', (c) =>
      rgbOf(c).jpeg({ quality: 90, optimiseCoding: false }).toBuffer(),
    ),
    await measure('jpeg', 'LUT + q90, optimised Huffman (before)', (c) =>
      rgbOf(c).jpeg({ quality: 90 }).toBuffer(),
    ),
  ];
}
