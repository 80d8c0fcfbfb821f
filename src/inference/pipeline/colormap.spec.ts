import { applyLut, buildLut, INFERNO } from './colormap';

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

  it('rejects a colour source that is not #rrggbb', () => {
    expect(() => buildLut(() => 'rgb(1, 2, 3)')).toThrow(/expected #rrggbb/);
  });
});
