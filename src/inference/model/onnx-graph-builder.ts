import { onnx } from 'onnx-proto';

export interface ConvOptions {
  /** Fixed weights instead of random ones. */
  weights?: number[];
  stride?: number;
  /** Groups; equal to the channel count for a depthwise conv. */
  group?: number;
  /** false drops the bias input, as MiDaS' layerN_rn convs do. */
  bias?: boolean;
  /** Multiplies the default random weight scale (see weight()). */
  gain?: number;
}

/**
 * Gains on weight()'s default scale for deep random nets: He variance (2 / fan-in) before a
 * ReLU, unit variance for a linear layer and half of that for a branch added to its input, so
 * activations neither vanish (slow denormals, all-zero output) nor blow up with depth.
 */
export const GAIN = { relu: Math.sqrt(3), linear: Math.sqrt(3 / 2), residual: Math.sqrt(3 / 4) };

/** Minimal helpers to assemble an ONNX graph with onnx-proto, used by the model generators. */
export class OnnxGraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private counter = 0;

  constructor(private readonly random: () => number = mulberry32(42)) {}

  name(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }

  weight(dims: number[], values?: ArrayLike<number>, gain = 1): string {
    const count = dims.reduce((a, b) => a * b, 1);
    const fanIn = dims.slice(1).reduce((a, b) => a * b, 1) || 1;
    // He-style scale keeps activations in a sane range through deep random stacks.
    const scale = Math.sqrt(2 / fanIn) * gain;
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = values ? values[i] : (this.random() * 2 - 1) * scale;
    const name = this.name('w');
    this.initializers.push({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }

  node(opType: string, inputs: string[], attributes: onnx.IAttributeProto[] = []): string {
    const output = this.name(opType.toLowerCase());
    this.nodes.push({
      opType,
      input: inputs,
      output: [output],
      name: output,
      attribute: attributes,
    });
    return output;
  }

  conv(input: string, inCh: number, outCh: number, kernel: number, opts: ConvOptions = {}): string {
    const { stride = 1, group = 1, bias = true } = opts;
    const w = this.weight([outCh, inCh / group, kernel, kernel], opts.weights, opts.gain);
    const inputs = [input, w];
    if (bias) inputs.push(this.weight([outCh], new Array<number>(outCh).fill(0)));
    const pad = Math.floor(kernel / 2);
    const attributes = [ints('kernel_shape', [kernel, kernel]), ints('pads', [pad, pad, pad, pad])];
    // Only non-default attributes, so the older generated models stay byte-identical.
    if (stride !== 1) attributes.push(ints('strides', [stride, stride]));
    if (group !== 1) attributes.push(int('group', group));
    return this.node('Conv', inputs, attributes);
  }

  /** ReLU6, as opset 9 spells it: Clip with min/max attributes. */
  relu6(input: string): string {
    return this.node('Clip', [input], [float('min', 0), float('max', 6)]);
  }

  /** Bilinear upsampling by an integer factor (opset 9 Upsample takes its scales as an input). */
  upsample(input: string, factor: number): string {
    const scales = this.weight([4], [1, 1, factor, factor]);
    return this.node('Upsample', [input, scales], [text('mode', 'linear')]);
  }

  /** A model with one float NCHW input and one float output, at the given opset. */
  build(opts: {
    input: string;
    /** A string is a symbolic dimension, e.g. 'N' for a dynamic batch. */
    inputShape: (number | string)[];
    output: string;
    outputShape: (number | string)[];
    opset: number;
    docString: string;
  }): Uint8Array {
    const last = this.nodes[this.nodes.length - 1];
    last.output = [opts.output];
    const model = onnx.ModelProto.create({
      irVersion: 4,
      producerName: 'depthserve',
      docString: opts.docString,
      opsetImport: [{ domain: '', version: opts.opset }],
      graph: {
        name: 'depthserve_synthetic',
        node: this.nodes,
        initializer: this.initializers,
        input: [valueInfo(opts.input, opts.inputShape)],
        output: [valueInfo(opts.output, opts.outputShape)],
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

export function ints(name: string, values: number[]): onnx.IAttributeProto {
  return { name, ints: values, type: onnx.AttributeProto.AttributeType.INTS };
}

function int(name: string, i: number): onnx.IAttributeProto {
  return { name, i, type: onnx.AttributeProto.AttributeType.INT };
}

function float(name: string, f: number): onnx.IAttributeProto {
  return { name, f, type: onnx.AttributeProto.AttributeType.FLOAT };
}

function text(name: string, value: string): onnx.IAttributeProto {
  return { name, s: Buffer.from(value), type: onnx.AttributeProto.AttributeType.STRING };
}

function valueInfo(name: string, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: {
          dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
        },
      },
    },
  };
}

/** Values in a model's initializers: its weights and a few constants, i.e. its parameter count. */
export function countParameters(model: Uint8Array): number {
  const { graph } = onnx.ModelProto.decode(model);
  return (graph?.initializer ?? []).reduce(
    (sum, t) => sum + (t.dims ?? []).reduce<number>((n, d) => n * Number(d), 1),
    0,
  );
}

// Looked up once: under Jest (a vm context) every read of the global Math is an interceptor
// call, which made the ~17M draws of the benchmark model take 10 s instead of 0.2 s.
const { imul } = Math;

/** Small seeded PRNG so generated weights, and so benchmarks, are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
