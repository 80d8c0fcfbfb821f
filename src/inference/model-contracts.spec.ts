import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { model, photo } from '../../test/helpers/paths';
import type { DepthResult } from './inference.types';
import { findCatalogModel, type ModelContract, type UpsamplingKernel } from './model/model-catalog';
import { INFERNO } from './pipeline/colormap';
import { renderHeatmap } from './pipeline/postprocess';
import { WorkerPool } from './worker-pool';

/**
 * Each catalog entry's declared contract, followed by real worker threads and
 * real ONNX Runtime sessions on a generated model of that contract: 1x1-conv
 * probes whose output is weights . (fed r, g, b) at the fed size, so the
 * output shows the input size and the normalisation the worker applied.
 */
const COLOUR = [51, 102, 153] as const;
const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** The probe's output for COLOUR, worked out here from the contract's own words. */
function expectedDepth(weights: readonly number[], normalization: ModelContract['normalization']) {
  return COLOUR.reduce((sum, value, c) => {
    const unit = value / 255;
    const fed = normalization === 'imagenet' ? (unit - IMAGENET.mean[c]) / IMAGENET.std[c] : unit;
    return sum + weights[c] * fed;
  }, 0);
}

/** Depth Anything's lower_bound rule: scale so both sides reach 518, round each to 14. */
function lowerBound518(width: number, height: number) {
  const scale = Math.max(518 / width, 518 / height);
  const side = (length: number) => {
    const rounded = Math.round((length * scale) / 14) * 14;
    return rounded < 518 ? Math.ceil((length * scale) / 14) * 14 : rounded;
  };
  return { width: side(width), height: side(height) };
}

const ENTRIES = [
  {
    id: 'midas-v21-small-256',
    file: model('red'),
    weights: [1, 0, 0],
    fed: () => ({ width: 256, height: 256 }),
  },
  {
    id: 'midas-v21-384',
    file: model('probe-384'),
    weights: [1, 1, 1],
    fed: () => ({ width: 384, height: 384 }),
  },
  {
    id: 'depth-anything-v2-small',
    file: model('probe-dynamic'),
    weights: [1, 1, 1],
    fed: lowerBound518,
  },
] as const;

function poolFor(id: string, modelPath: string): WorkerPool {
  return new WorkerPool(1, {
    modelId: id,
    modelPath,
    intraOpThreads: 1,
    soloThreads: 1,
    nice: 0,
    spinning: { shared: false, solo: false },
    contract: findCatalogModel(id)!.contract,
    maxInputPixels: 40_000_000,
    faultInjection: false,
  });
}

const solid = (width: number, height: number) =>
  sharp({
    create: {
      width,
      height,
      channels: 3,
      background: { r: COLOUR[0], g: COLOUR[1], b: COLOUR[2] },
    },
  })
    .png()
    .toBuffer();

describe.each(ENTRIES)('catalog contract of $id (generated model, real worker)', (entry) => {
  const contract = findCatalogModel(entry.id)!.contract;
  const pool = poolFor(entry.id, entry.file);
  const depthOf = async (bytes: Uint8Array): Promise<DepthResult> =>
    pool.run('job', { bytes: new Uint8Array(bytes) }, 'png', 20_000).result;

  beforeAll(() => pool.warmUp());
  afterAll(() => pool.close());

  it('feeds the input size its policy declares, for a 640x480 photo and a real 600x400 one', async () => {
    const generated = await depthOf(await solid(640, 480));
    expect([generated.depthWidth, generated.depthHeight]).toEqual(
      Object.values(entry.fed(640, 480)),
    );
    expect([generated.width, generated.height]).toEqual([640, 480]);
    const real = await depthOf(readFileSync(photo('coffee_cup_closeup.png')));
    expect([real.depthWidth, real.depthHeight]).toEqual(Object.values(entry.fed(600, 400)));
  });

  it(`applies the declared normalisation (${contract.normalization}) and channel order`, async () => {
    const result = await depthOf(await solid(640, 480));
    const expected = expectedDepth(entry.weights, contract.normalization);
    expect(result.depthMin).toBeCloseTo(expected, 4);
    expect(result.depthMax).toBeCloseTo(expected, 4);
  });

  it(`records the declared upsampling (${contract.upsampling}) with the depth`, async () => {
    const result = await depthOf(await solid(64, 48));
    expect(result.upsampling).toBe(contract.upsampling);
  });

  it(`renders its heatmap with the declared kernel (${contract.upsampling}), not the other`, async () => {
    const result = await depthOf(readFileSync(photo('coffee_cup_closeup.png')));
    const heatmapWith = async (kernel: UpsamplingKernel) =>
      (await renderHeatmap(result.depth, result, INFERNO, 'png', kernel)).bytes;
    const other = contract.upsampling === 'bicubic' ? 'bilinear' : 'bicubic';
    expect(Buffer.from(result.heatmap).equals(await heatmapWith(contract.upsampling))).toBe(true);
    expect(Buffer.from(result.heatmap).equals(await heatmapWith(other))).toBe(false);
  });

  it('passes the readiness self-check at its policy size', async () => {
    const check = await pool.selfCheck();
    expect(check.problem).toBeUndefined();
    // The golden image is 64x48.
    expect([check.inputWidth, check.inputHeight]).toEqual(Object.values(entry.fed(64, 48)));
  });
});

describe('the readiness self-check', () => {
  it('fails a model whose output is constant, naming the check', async () => {
    const pool = poolFor('midas-v21-384', model('constant'));
    try {
      await pool.warmUp();
      const check = await pool.selfCheck();
      expect(check.problem).toMatch(/^non-constant check failed: every output value is 0/);
    } finally {
      await pool.close();
    }
  });

  it('feeds a static input shape in the model rather than the declared policy', async () => {
    // A 256x256 file served as Depth Anything (MODEL_PATHS pointing at the wrong file):
    // it can take nothing else, so 256x256 is fed and checked.
    const pool = poolFor('depth-anything-v2-small', model('red'));
    try {
      await pool.warmUp();
      const check = await pool.selfCheck();
      expect(check.problem).toBeUndefined();
      expect([check.inputWidth, check.inputHeight]).toEqual([256, 256]);
    } finally {
      await pool.close();
    }
  });
});
