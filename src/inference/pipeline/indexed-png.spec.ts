import sharp from 'sharp';
import { applyLut, COLORMAPS } from './colormap';
import { encodeIndexedPng } from './indexed-png';

describe('encodeIndexedPng', () => {
  it('decodes (with libpng, via sharp) to exactly the colours the LUT gives', async () => {
    const [width, height] = [37, 11];
    const levels = new Uint16Array(width * height).map((_, i) => (i * 997) % 65536);
    const png = encodeIndexedPng(levels, width, height, COLORMAPS.viridis);
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height, meta.isPalette]).toEqual([
      'png',
      width,
      height,
      true,
    ]);
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(Buffer.from(data).equals(Buffer.from(applyLut(levels, COLORMAPS.viridis)))).toBe(true);
  });

  it('refuses levels that do not fill the image', () => {
    expect(() => encodeIndexedPng(new Uint16Array(5), 2, 2, COLORMAPS.gray)).toThrow(/Expected 4/);
  });
});
