import { applyLut, buildLut, COLORMAP_NAMES, COLORMAPS, INFERNO } from './colormap';

const rgbAt = (lut: Uint8Array, i: number) => Array.from(lut.subarray(i * 3, i * 3 + 3));

describe('inferno colormap', () => {
  it("matches matplotlib's published inferno samples", () => {
    expect(INFERNO).toHaveLength(256 * 3);
    expect(rgbAt(INFERNO, 0)).toEqual([0x00, 0x00, 0x04]); // #000004
    expect(rgbAt(INFERNO, 128)).toEqual([0xbc, 0x37, 0x54]); // #bc3754
    expect(rgbAt(INFERNO, 255)).toEqual([0xfc, 0xff, 0xa4]); // #fcffa4
  });

  it('is monotonically brighter from far to near', () => {
    const luma = (i: number) => rgbAt(INFERNO, i).reduce((a, b) => a + b, 0);
    for (let i = 16; i < 256; i += 16) expect(luma(i)).toBeGreaterThan(luma(i - 16));
  });

  it('maps 16-bit levels through the top byte', () => {
    const rgb = applyLut(new Uint16Array([0, 0x80ff, 0xffff]), INFERNO);
    expect(Array.from(rgb)).toEqual([
      ...rgbAt(INFERNO, 0),
      ...rgbAt(INFERNO, 128),
      ...rgbAt(INFERNO, 255),
    ]);
  });

  it('rejects a colour source it cannot parse', () => {
    expect(() => buildLut(() => 'hsl(1, 2%, 3%)')).toThrow(/expected #rrggbb/);
    expect(() => buildLut(() => 'rgb(256, 0, 0)')).toThrow(/expected #rrggbb/);
  });
});

describe('the other colormaps', () => {
  it('are all distinct 256-entry tables', () => {
    const seen = new Set(
      COLORMAP_NAMES.map((name) => Buffer.from(COLORMAPS[name]).toString('hex')),
    );
    expect(seen.size).toBe(COLORMAP_NAMES.length);
    for (const name of COLORMAP_NAMES) expect(COLORMAPS[name]).toHaveLength(256 * 3);
  });

  it("match matplotlib's published end points and d3's turbo", () => {
    expect(rgbAt(COLORMAPS.viridis, 0)).toEqual([0x44, 0x01, 0x54]); // #440154
    expect(rgbAt(COLORMAPS.viridis, 255)).toEqual([0xfd, 0xe7, 0x25]); // #fde725
    expect(rgbAt(COLORMAPS.magma, 255)).toEqual([0xfc, 0xfd, 0xbf]); // #fcfdbf
    expect(rgbAt(COLORMAPS.plasma, 0)).toEqual([0x0d, 0x08, 0x87]); // #0d0887
    expect(rgbAt(COLORMAPS.turbo, 0)).toEqual([35, 23, 27]); // d3's turbo(0)
  });

  it('gray is a linear ramp with near = white', () => {
    for (const i of [0, 1, 128, 255]) expect(rgbAt(COLORMAPS.gray, i)).toEqual([i, i, i]);
  });
});
