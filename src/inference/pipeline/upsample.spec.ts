import { toLevels, upsampleFloat } from './upsample';

/** Straight from PyTorch's definition: bilinear, half-pixel centres, negative source clamped to 0. */
function bilinearReference(depth: Float32Array, w: number, h: number, W: number, H: number) {
  const source = (o: number, from: number, to: number) =>
    Math.max(0, ((o + 0.5) * from) / to - 0.5);
  const out: number[] = [];
  for (let Y = 0; Y < H; Y++) {
    const sy = source(Y, h, H);
    const y0 = Math.floor(sy);
    const y1 = Math.min(h - 1, y0 + 1);
    for (let X = 0; X < W; X++) {
      const sx = source(X, w, W);
      const x0 = Math.floor(sx);
      const x1 = Math.min(w - 1, x0 + 1);
      const [tx, ty] = [sx - x0, sy - y0];
      const at = (x: number, y: number) => depth[y * w + x];
      out.push(
        (1 - ty) * ((1 - tx) * at(x0, y0) + tx * at(x1, y0)) +
          ty * ((1 - tx) * at(x0, y1) + tx * at(x1, y1)),
      );
    }
  }
  return out;
}

/** Straight from the definition: 2-D bicubic (a = -0.75), half-pixel centres, edge replication. */
function reference(depth: Float32Array, w: number, h: number, W: number, H: number): number[] {
  const cubic = (x: number) => {
    const a = -0.75;
    const t = Math.abs(x);
    if (t <= 1) return (a + 2) * t ** 3 - (a + 3) * t ** 2 + 1;
    if (t < 2) return a * t ** 3 - 5 * a * t ** 2 + 8 * a * t - 4 * a;
    return 0;
  };
  const at = (x: number, y: number) =>
    depth[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))];
  const out: number[] = [];
  for (let Y = 0; Y < H; Y++) {
    for (let X = 0; X < W; X++) {
      const sx = ((X + 0.5) * w) / W - 0.5;
      const sy = ((Y + 0.5) * h) / H - 0.5;
      let v = 0;
      for (let j = Math.floor(sy) - 1; j <= Math.floor(sy) + 2; j++) {
        for (let i = Math.floor(sx) - 1; i <= Math.floor(sx) + 2; i++) {
          v += at(i, j) * cubic(sx - i) * cubic(sy - j);
        }
      }
      out.push(v);
    }
  }
  return out;
}

describe('upsampleFloat', () => {
  const depth = new Float32Array(7 * 5).map((_, i) => ((i * 37) % 11) / 10);
  const from = { width: 7, height: 5 };
  const to = { width: 23, height: 17 };
  const worst = (out: Float32Array, expected: number[]) =>
    Math.max(...expected.map((v, i) => Math.abs(out[i] - v)));

  it('returns the bicubic values themselves (PyTorch align_corners=False)', () => {
    const out = upsampleFloat(depth, from, to, 'bicubic').values;
    expect(out).toHaveLength(23 * 17);
    expect(worst(out, reference(depth, 7, 5, 23, 17))).toBeLessThan(1e-5);
    // Unclamped, a step rings outside its range, as in PyTorch.
    const step = upsampleFloat(
      new Float32Array([0, 0, 1, 1]),
      { width: 4, height: 1 },
      { width: 40, height: 1 },
    ).values;
    expect(Math.min(...step)).toBeLessThan(0);
    expect(Math.max(...step)).toBeGreaterThan(1);
  });

  it('returns bilinear values with the same convention', () => {
    const out = upsampleFloat(depth, from, to, 'bilinear').values;
    expect(worst(out, bilinearReference(depth, 7, 5, 23, 17))).toBeLessThan(1e-5);
    // Bilinear never leaves the range of its inputs.
    expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...out)).toBeLessThanOrEqual(1);
  });

  it('clamps overshoot into a given range', () => {
    const step = new Float32Array([0, 0, 1, 1]);
    const out = upsampleFloat(step, { width: 4, height: 1 }, { width: 40, height: 1 }, 'bicubic', {
      min: 0,
      max: 1,
    }).values;
    expect([Math.min(...out), Math.max(...out)]).toEqual([0, 1]);
  });

  it('returns the min-max of the values it made, clamped ones included', () => {
    for (const clamp of [undefined, { min: 0.2, max: 0.7 }]) {
      const { values, range } = upsampleFloat(depth, from, to, 'bicubic', clamp);
      expect(range).toEqual({ min: Math.min(...values), max: Math.max(...values) });
    }
    const { range } = upsampleFloat(depth, from, to, 'bicubic', { min: 0.2, max: 0.7 });
    expect(range).toEqual({ min: Math.fround(0.2), max: Math.fround(0.7) });
  });
});

describe('toLevels', () => {
  const values = new Float32Array([-1, 0, 0.25, 0.5, 1, 2]);

  it('normalises over the range and clamps values outside it', () => {
    expect(Array.from(toLevels(values, { min: 0, max: 1 }))).toEqual([
      0, 0, 16384, 32768, 65535, 65535,
    ]);
  });

  it('inverts: near becomes 0', () => {
    const plain = toLevels(values, { min: 0, max: 1 });
    const inverted = toLevels(values, { min: 0, max: 1 }, true);
    expect(Array.from(inverted)).toEqual(Array.from(plain, (level) => 65535 - level));
  });

  it('maps a flat range to one end', () => {
    expect(Math.max(...toLevels(values, { min: 1, max: 1 }))).toBe(0);
    expect(Math.min(...toLevels(values, { min: 1, max: 1 }, true))).toBe(65535);
  });
});
