/**
 * @jest-environment ./test/helpers/onnx-test-environment.ts
 */
import { readFileSync } from 'node:fs';
import { onnx } from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { photo } from '../../../test/helpers/paths';
import { decodeForModel, toInputTensor } from '../pipeline/preprocess';
import { sessionOptions } from '../session-options';
import { buildBenchModel, FAITHFUL_WIDTHS } from './bench-model';
import { MODEL_CATALOG } from './model-catalog';
import { countParameters } from './onnx-graph-builder';

const contract = { ...MODEL_CATALOG[0].contract };
const PLANE = 256 * 256;

async function photoTensor(name: string): Promise<Float32Array> {
  const decoded = await decodeForModel(readFileSync(photo(name)), contract.input, 1e8);
  return toInputTensor(decoded.rgb, decoded, contract);
}

async function run(session: InferenceSession, data: Float32Array, batch = 1): Promise<Tensor> {
  const input = new Tensor('float32', data, [batch, 3, 256, 256]);
  return (await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]];
}

describe('buildBenchModel', () => {
  let model: Uint8Array;
  let session: InferenceSession;
  let dynamic: InferenceSession;
  let cat: Float32Array;
  let room: Float32Array;

  beforeAll(async () => {
    model = buildBenchModel();
    session = await InferenceSession.create(model, sessionOptions(1));
    dynamic = await InferenceSession.create(
      buildBenchModel({ dynamicBatch: true }),
      sessionOptions(1),
    );
    [cat, room] = await Promise.all([
      photoTensor('chelsea_cat_small.jpg'),
      photoTensor('indoor_room_windows.jpg'),
    ]);
  });

  afterAll(async () => {
    await session?.release();
    await dynamic?.release();
  });

  it('has the official contract: opset 9, float [1,3,256,256] in, [1,256,256] out', () => {
    const decoded = onnx.ModelProto.decode(model);
    expect(decoded.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 9]]);
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['depth']);
    expect(session.inputMetadata[0]).toMatchObject({ type: 'float32', shape: [1, 3, 256, 256] });
    expect(session.outputMetadata[0]).toMatchObject({ type: 'float32', shape: [1, 256, 256] });
  });

  it("has MiDaS small's layers: the op census of the official network", () => {
    const nodes = onnx.ModelProto.decode(model).graph?.node ?? [];
    const count = (op: string) => nodes.filter((n) => n.opType === op).length;
    const depthwise = nodes.filter((n) => n.attribute?.some((a) => a.name === 'group'));
    // The official model converted to TFLite has 73 CONV_2D, 24 DEPTHWISE_CONV_2D, 27 ADD and
    // 5 RESIZE_BILINEAR (EfficientNet-Lite3's 24 blocks, the scratch and the head).
    expect([count('Conv') - depthwise.length, depthwise.length]).toEqual([73, 24]);
    expect([count('Add'), count('Upsample')]).toEqual([27, 5]);
  });

  it('holds as many weights as the official file: within 15% at the published widths', () => {
    // The official file is float32 weights and little else: 66,764,249 bytes / 4 = 16.69M.
    // (The PyTorch model counts ~21.3M; refinenet4's unused resConfUnit1 is not exported.)
    const official = MODEL_CATALOG[0].bytes! / 4;
    const faithful = buildBenchModel({ widths: FAITHFUL_WIDTHS });
    expect(Math.abs(countParameters(faithful) / official - 1)).toBeLessThan(0.15);
    // Cost-matching narrows only the fine decoder levels, which hold few weights.
    expect(countParameters(model) / official).toBeGreaterThan(0.8);
    expect(countParameters(model)).toBeLessThan(countParameters(faithful));
  });

  it('maps a real photo to a finite, non-negative, dense, non-constant map that depends on it', async () => {
    const out = await run(session, cat);
    expect(out.dims).toEqual([1, 256, 256]);
    const depth = out.data as Float32Array;
    expect(depth.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    const mean = depth.reduce((a, b) => a + b, 0) / depth.length;
    const sd = Math.sqrt(depth.reduce((a, b) => a + (b - mean) ** 2, 0) / depth.length);
    expect(sd / mean).toBeGreaterThan(0.05);
    // Dense, as a real depth map is, rather than mostly cut to zero by the final ReLU.
    expect(depth.filter((v) => v > 0).length / depth.length).toBeGreaterThan(0.9);
    const other = (await run(session, room)).data as Float32Array;
    expect(other).not.toEqual(depth);
  });

  it('runs a batch of 2 in the dynamic variant, each item as the static model does', async () => {
    expect(dynamic.inputMetadata[0]).toMatchObject({ shape: ['N', 3, 256, 256] });
    const batch = new Float32Array(2 * 3 * PLANE);
    batch.set(cat);
    batch.set(room, 3 * PLANE);
    const out = await run(dynamic, batch, 2);
    expect(out.dims).toEqual([2, 256, 256]);
    const data = out.data as Float32Array;
    for (const [i, image] of [cat, room].entries()) {
      const alone = (await run(session, image)).data as Float32Array;
      const item = data.subarray(i * PLANE, (i + 1) * PLANE);
      const worst = item.reduce((w, v, j) => Math.max(w, Math.abs(v - alone[j])), 0);
      // Batched convolutions may sum in another order: ~1e-6 of the range apart, not bit-equal.
      expect(worst).toBeLessThan(1e-5 * Math.max(...alone));
    }
  });
});
