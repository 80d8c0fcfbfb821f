import { deflateSync, inflateSync } from 'node:zlib';
import { INFERNO } from './colormap';
import { encodeIndexedPng, PALETTE_DEFLATE } from './indexed-png';
import { resampleToTensor } from './input-resize';
import { huffmanZlib, kernelStatus, nativeKernels, useNativeKernels } from './native-kernels';
import { toInputTensor } from './preprocess';
import { taps, upsampleFloat } from './upsample';

/** Deterministic noise on a smooth field, so every tap and every clamp path is exercised. */
function depthField(width: number, height: number, seed = 1): Float32Array {
  let state = seed;
  const noise = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.sin((i % width) / 7) * 30 + Math.floor(i / width) * 0.4 + noise() * 8;
  }
  return out;
}

/** A PNG's IDAT data: the one IDAT chunk the PNG writers here emit. */
function idat(png: Buffer): Buffer {
  const at = png.indexOf('IDAT');
  return png.subarray(at + 4, at + 4 + png.readUInt32BE(at - 4));
}

/** Symbol counts growing like Fibonacci numbers: the deepest Huffman trees. */
function fibonacciCounts(symbols: number): Uint8Array {
  const counts = [1, 1];
  while (counts.length < symbols)
    counts.push(counts[counts.length - 1] + counts[counts.length - 2]);
  return Uint8Array.from(counts.flatMap((count, symbol) => Array<number>(count).fill(symbol)));
}

/** The same call with the native kernels and with the JS ones. */
function both<T>(work: () => T): { native: T; js: T } {
  try {
    const native = work();
    useNativeKernels(false);
    return { native, js: work() };
  } finally {
    useNativeKernels(true);
  }
}

const bytesOf = (array: ArrayBufferView) =>
  Buffer.from(array.buffer, array.byteOffset, array.byteLength);

describe('native pixel kernels', () => {
  it('are built and load (npm run build:native)', () => {
    expect(kernelStatus()).toEqual({ kernels: 'native', decoder: true });
  });

  it('say why, and fall back to JS, when switched off', () => {
    useNativeKernels(false);
    try {
      expect(nativeKernels()).toBeUndefined();
      expect(kernelStatus()).toEqual({ kernels: 'js', reason: 'they were switched off' });
    } finally {
      useNativeKernels(true);
    }
  });

  it.each([
    ['enlarging', 256, 256, 640, 427, 'bicubic'],
    ['shrinking', 300, 200, 97, 61, 'bicubic'],
    ['a single source pixel', 1, 1, 5, 3, 'bicubic'],
    ['bilinear', 256, 256, 333, 500, 'bilinear'],
  ] as const)('upsample to the bit as the JS does: %s', (_, w, h, W, H, kernel) => {
    const depth = depthField(w, h);
    for (const clamp of [undefined, { min: 0, max: 20 }]) {
      const { native, js } = both(() =>
        upsampleFloat(depth, { width: w, height: h }, { width: W, height: H }, kernel, clamp),
      );
      expect(bytesOf(native.values).equals(bytesOf(js.values))).toBe(true);
      expect(native.range).toEqual(js.range);
    }
  });

  it.each([false, true])(
    'write a palette PNG of the same rows as the JS (inverted: %s)',
    (invert) => {
      const values = depthField(641, 379, 3);
      for (const range of [
        { min: -20, max: 40 },
        { min: 5, max: 5 }, // flat: everything at the far end
      ]) {
        const { native, js } = both(() =>
          encodeIndexedPng({ values, range, invert }, 641, 379, INFERNO),
        );
        // The header and palette match to the byte; the rows are deflated differently.
        expect(native.subarray(0, 33 + 12 + 768)).toEqual(js.subarray(0, 33 + 12 + 768));
        expect(inflateSync(idat(native)).equals(inflateSync(idat(js)))).toBe(true);
      }
    },
  );

  describe('Huffman-only zlib streams', () => {
    const deflate = (data: Uint8Array) => huffmanZlib(nativeKernels()!, data);
    let state = 5;
    const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;

    it.each([
      ['empty', new Uint8Array(0)],
      ['one byte', Uint8Array.of(7)],
      ['one value repeated', new Uint8Array(5000)],
      ['every value equally', Uint8Array.from({ length: 65536 }, (_, i) => i % 256)],
      // Fibonacci-like counts force codes past 15 bits, which must be limited.
      ['counts that would need codes over 15 bits', fibonacciCounts(24)],
      ['a skewed spread', Uint8Array.from({ length: 200_000 }, () => -Math.log(random()) * 6)],
    ])('inflate back to the input: %s', (_, data) => {
      expect(inflateSync(deflate(data)).equals(Buffer.from(data))).toBe(true);
    });

    it("pack a heatmap's rows as tightly as zlib's Huffman-only mode", () => {
      const rows = inflateSync(
        idat(
          encodeIndexedPng(
            { values: depthField(640, 480), range: { min: -30, max: 230 } },
            640,
            480,
            INFERNO,
          ),
        ),
      );
      const zlibSize = deflateSync(rows, PALETTE_DEFLATE).length;
      expect(deflate(rows).length).toBeLessThanOrEqual(zlibSize * 1.01);
    });

    it('refuse an output buffer smaller than the bound', () => {
      const data = new Uint8Array(1000);
      expect(() => nativeKernels()!.huffmanZlib(data, new Uint8Array(1500))).toThrow(/too small/);
    });
  });

  it.each([
    { normalization: 'in-graph', channelOrder: 'rgb' },
    { normalization: 'imagenet', channelOrder: 'bgr' },
  ] as const)('build the same input tensor as the JS (%o)', (contract) => {
    const rgb = Uint8Array.from({ length: 31 * 17 * 3 }, (_, i) => (i * 97) % 256);
    const size = { inputWidth: 31, inputHeight: 17 };
    const { native, js } = both(() => toInputTensor(rgb, size, contract));
    expect(bytesOf(native).equals(bytesOf(js))).toBe(true);
  });

  it.each([
    ['enlarged across first', 120, 80, 256, 256],
    ['enlarged down first', 80, 300, 256, 256],
    ['shrunk', 700, 500, 256, 256],
  ])('resample the input tensor as the JS does: %s', (_, w, h, W, H) => {
    const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 131 + (i >> 7)) % 256);
    const channels = { source: [2, 1, 0], scale: [1 / 255, 0.017, 0.0175], offset: [0, 2.1, 1.8] };
    const { native, js } = both(() =>
      resampleToTensor(rgb, { width: w, height: h }, { width: W, height: H }, channels),
    );
    expect(bytesOf(native).equals(bytesOf(js))).toBe(true);
  });

  describe('refuse arguments that would reach outside an array', () => {
    const kernels = () => nativeKernels()!;
    const cols = taps(4, 8, 'bicubic');
    const rows = taps(4, 8, 'bicubic');
    const call = (overrides: Partial<Record<'depth' | 'out' | 'index', unknown>>) => () =>
      kernels().resample(
        (overrides.depth ?? new Float32Array(16)) as Float32Array,
        4,
        4,
        8,
        8,
        (overrides.index ?? cols.index) as Int32Array,
        cols.weight,
        rows.index,
        rows.weight,
        -Infinity,
        Infinity,
        (overrides.out ?? new Float32Array(64)) as Float32Array,
        new Float64Array(2),
      );

    it('runs with the right ones', () => {
      expect(call({})).not.toThrow();
    });

    it('a source or output of the wrong length', () => {
      expect(call({ depth: new Float32Array(15) })).toThrow(/wrong length/);
      expect(call({ out: new Float32Array(65) })).toThrow(/wrong length/);
    });

    it('an array of the wrong type', () => {
      expect(call({ depth: new Float64Array(16) })).toThrow(/not a typed array/);
      expect(call({ out: [0, 1] })).toThrow(/not a typed array/);
    });

    it('a tap index outside the source', () => {
      const index = Int32Array.from(cols.index);
      index[5] = 4;
      expect(call({ index })).toThrow(/tap index is outside/);
      index[5] = -1;
      expect(call({ index })).toThrow(/tap index is outside/);
    });

    it('a size that is not a positive whole number, or a missing argument', () => {
      const { index, weight } = cols;
      const out = new Float32Array(64);
      const range = new Float64Array(2);
      const depth = new Float32Array(16);
      expect(() =>
        kernels().resample(depth, 4, 4, 8.5, 8, index, weight, index, weight, 0, 1, out, range),
      ).toThrow(/positive whole number/);
      const values = new Float32Array(4);
      expect(() => kernels().paletteScanlines(values, 2, 2, 0, 1, 0, new Uint8Array(5))).toThrow(
        /wrong length/,
      );
      expect(() =>
        (kernels().planarChannel as (...a: unknown[]) => void)(new Uint8Array(3), 0),
      ).toThrow(/number of arguments/);
      expect(() =>
        kernels().planarChannel(new Uint8Array(6), 3, 1, 0, new Float32Array(2)),
      ).toThrow(/source channel/);
      const map = Float64Array.from([0, 1, 3, 1, 1, 1, 0, 0, 0]);
      const tensor = new Float32Array(8 * 8 * 3);
      expect(() =>
        kernels().resampleToTensor(
          new Uint8Array(48),
          4,
          4,
          8,
          8,
          index,
          weight,
          index,
          weight,
          map,
          tensor,
        ),
      ).toThrow(/source channel/);
    });
  });
});
