import sharp from 'sharp';
import { applyLut, COLORMAPS } from './colormap';
import { encodeIndexedPng, type PaletteSource } from './indexed-png';
import { toLevels } from './upsample';

const [width, height] = [37, 11];

/** Depth-like values with awkward spots: exact range ends, ties at level boundaries, overshoot. */
function awkwardValues(): Float32Array {
  const values = new Float32Array(width * height).map((_, i) => Math.sin(i * 0.37) * 3 + i / 50);
  values.set([-5, 5, 0, 1, 256 / 65535, 255.5 / 65535, 1 - 1e-7], 0);
  return values;
}

/** The image's pixels, decoded by libpng through sharp. */
async function pixels(png: Buffer): Promise<Buffer> {
  return (await sharp(png).raw().toBuffer({ resolveWithObject: true })).data;
}

describe('encodeIndexedPng', () => {
  it('is a palette PNG that decodes (with libpng, via sharp) to the LUT colours of the 16-bit levels', async () => {
    const source = { values: awkwardValues(), range: { min: 0, max: 1 } };
    const png = encodeIndexedPng(source, width, height, COLORMAPS.viridis);
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height, meta.isPalette]).toEqual([
      'png',
      width,
      height,
      true,
    ]);
    const expected = applyLut(toLevels(source.values, source.range), COLORMAPS.viridis);
    expect((await pixels(png)).equals(Buffer.from(expected))).toBe(true);
  });

  // It computes toLevels' top byte itself, in its filter loop: any drift from
  // toLevels would make a PNG differ from the same spec's JPEG or 16-bit PNG.
  it.each<[string, Omit<PaletteSource, 'values'>]>([
    ['the image range', { range: { min: -2.5, max: 4.25 } }],
    ['a narrower range (values clamp)', { range: { min: 0, max: 1 } }],
    ['an inverted range', { range: { min: -1, max: 2 }, invert: true }],
    ['a flat range', { range: { min: 1, max: 1 } }],
    ['a flat, inverted range', { range: { min: 1, max: 1 }, invert: true }],
  ])('gives every pixel the colour toLevels gives it, over %s', async (_, spec) => {
    const values = awkwardValues();
    const png = encodeIndexedPng({ values, ...spec }, width, height, COLORMAPS.gray);
    const levels = toLevels(values, spec.range, spec.invert);
    expect((await pixels(png)).equals(Buffer.from(applyLut(levels, COLORMAPS.gray)))).toBe(true);
  });

  it('refuses values that do not fill the image', () => {
    const source = { values: new Float32Array(5), range: { min: 0, max: 1 } };
    expect(() => encodeIndexedPng(source, 2, 2, COLORMAPS.gray)).toThrow(/Expected 4/);
  });
});
