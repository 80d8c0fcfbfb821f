import { resampleToTensor, resizesInJs } from './input-resize';
import { upsampleFloat } from './upsample';

const RGB = { source: [0, 1, 2], scale: [1, 1, 1], offset: [0, 0, 0] };

describe('resizesInJs', () => {
  it.each([
    [320, 213, true], // taller than it is: enlarged vertically
    [237, 480, true],
    [640, 200, true], // shrunk 2.5x across, enlarged down: still within the kernel's reach
    [640, 480, true], // shrunk 2.5x both ways, as cv2.resize shrinks with 4 taps
    [256, 256, true],
    [800, 600, false], // shrunk past 3x: libvips, with shrink-on-load
    [4000, 200, false], // enlarged down but shrunk 15x across: a 4-tap kernel would alias
  ])('%ix%i to 256x256: %s', (width, height, expected) => {
    expect(resizesInJs({ width, height }, { width: 256, height: 256 })).toBe(expected);
  });
});

describe('resampleToTensor', () => {
  /** A 5x3 photo whose channels differ, so a mixed-up channel or stride shows. */
  const from = { width: 5, height: 3 };
  const rgb = Uint8Array.from({ length: 5 * 3 * 3 }, (_, i) => (i * 37 + (i % 3) * 50) % 256);
  const channel = (c: number) => Float32Array.from({ length: 15 }, (_, i) => rgb[i * 3 + c]);

  it.each([
    ['across first', { width: 9, height: 7 }],
    ['down first', { width: 12, height: 2 }],
  ])('resamples each channel as the depth upsampler does, clamped to bytes (%s)', (_, to) => {
    const tensor = resampleToTensor(rgb, from, to, RGB);
    const area = to.width * to.height;
    for (let c = 0; c < 3; c++) {
      const bytes = { min: 0, max: 255 };
      const expected = upsampleFloat(channel(c), from, to, 'bicubic', bytes).values;
      const plane = tensor.subarray(c * area, (c + 1) * area);
      plane.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 3));
    }
  });

  it('clamps cubic overshoot at an edge to the byte range, so inputs stay in [0,1]', () => {
    const edge = new Uint8Array([0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255]);
    const from4 = { width: 4, height: 1 };
    const to9 = { width: 9, height: 1 };
    // Unclamped, the kernel overshoots on both sides of the edge...
    const raw = upsampleFloat(Float32Array.from([0, 0, 255, 255]), from4, to9, 'bicubic').values;
    expect([Math.min(...raw) < 0, Math.max(...raw) > 255]).toEqual([true, true]);
    // ...which the tensor does not carry.
    const tensor = resampleToTensor(edge, from4, to9, RGB);
    expect([Math.min(...tensor), Math.max(...tensor)]).toEqual([0, 255]);
  });

  it('reorders, scales and offsets channels as the map says', () => {
    const to = { width: 6, height: 4 };
    const plain = resampleToTensor(rgb, from, to, RGB);
    const mapped = { source: [2, 1, 0], scale: [2, 1, 0.5], offset: [1, 0, -3] };
    const tensor = resampleToTensor(rgb, from, to, mapped);
    const n = 24;
    for (let i = 0; i < n; i++) {
      expect(tensor[i]).toBeCloseTo(plain[2 * n + i] * 2 - 1, 3);
      expect(tensor[n + i]).toBeCloseTo(plain[n + i], 3);
      expect(tensor[2 * n + i]).toBeCloseTo(plain[i] * 0.5 + 3, 3);
    }
  });
});
