import { onnx } from 'onnx-proto';

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

  weight(dims: number[], values?: ArrayLike<number>): string {
    const count = dims.reduce((a, b) => a * b, 1);
    const fanIn = dims.slice(1).reduce((a, b) => a * b, 1) || 1;
    // He-style scale keeps activations in a sane range through deep random stacks.
    const scale = Math.sqrt(2 / fanIn);
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

  conv(input: string, inCh: number, outCh: number, kernel: number, weights?: number[]): string {
    const w = this.weight([outCh, inCh, kernel, kernel], weights);
    const b = this.weight([outCh], new Array<number>(outCh).fill(0));
    const pad = Math.floor(kernel / 2);
    return this.node(
      'Conv',
      [input, w, b],
      [ints('kernel_shape', [kernel, kernel]), ints('pads', [pad, pad, pad, pad])],
    );
  }

  /** A model with one float NCHW input and one float output, at the given opset. */
  build(opts: {
    input: string;
    inputShape: number[];
    output: string;
    outputShape: number[];
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

function valueInfo(name: string, dims: number[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((dimValue) => ({ dimValue })) },
      },
    },
  };
}

/** Small seeded PRNG so generated weights, and so benchmarks, are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
