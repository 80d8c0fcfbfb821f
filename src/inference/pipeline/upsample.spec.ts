import { upsampleDepth } from './upsample';

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

describe('upsampleDepth', () => {
  const depth = new Float32Array(7 * 5).map((_, i) => ((i * 37) % 11) / 10);
  const range = { min: 0, max: 1 };

  it('matches 2-D bicubic interpolation (PyTorch align_corners=False) to within a level', () => {
    const out = upsampleDepth(depth, { width: 7, height: 5 }, { width: 23, height: 17 }, range);
    const expected = reference(depth, 7, 5, 23, 17).map((v) =>
      Math.min(65535, Math.max(0, Math.round(v * 65535))),
    );
    expect(out).toHaveLength(23 * 17);
    let worst = 0;
    out.forEach((level, i) => (worst = Math.max(worst, Math.abs(level - expected[i]))));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('is the identity at the same size, and clamps cubic overshoot into the range', () => {
    const same = upsampleDepth(depth, { width: 7, height: 5 }, { width: 7, height: 5 }, range);
    expect(Array.from(same)).toEqual(Array.from(depth, (v) => Math.round(v * 65535)));
    // A step makes bicubic ring below 0 and above 1; levels stay inside.
    const step = new Float32Array([0, 0, 1, 1]);
    const out = upsampleDepth(step, { width: 4, height: 1 }, { width: 40, height: 1 }, range);
    expect(Math.min(...out)).toBe(0);
    expect(Math.max(...out)).toBe(65535);
  });

  it('maps a flat depth map to level 0', () => {
    const flat = new Float32Array(4).fill(3);
    const out = upsampleDepth(
      flat,
      { width: 2, height: 2 },
      { width: 5, height: 5 },
      {
        min: 3,
        max: 3,
      },
    );
    expect(Math.max(...out)).toBe(0);
  });
});
