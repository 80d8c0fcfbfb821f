import sharp from 'sharp';
import { encodeGray16Png } from './gray16-png';
import { toLevels, upsampleFloat } from './upsample';

async function readBack16(png: Buffer) {
  const image = sharp(png);
  const meta = await image.metadata();
  const { data, info } = await image
    .toColourspace('grey16')
    .raw({ depth: 'ushort' })
    .toBuffer({ resolveWithObject: true });
  const levels = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
  return { meta, info, levels };
}

describe('16-bit greyscale PNG', () => {
  it('round-trips every level exactly through a standard decoder', async () => {
    // Levels whose high and low bytes both vary, including the ends.
    const levels = new Uint16Array(64 * 3).map((_, i) => (i * 4099 + (i % 7) * 13) % 65536);
    levels[0] = 0;
    levels[1] = 65535;
    const { meta, info, levels: back } = await readBack16(encodeGray16Png(levels, 64, 3));
    expect([meta.format, meta.depth, meta.channels]).toEqual(['png', 'ushort', 1]);
    expect([info.width, info.height, info.channels]).toEqual([64, 3, 1]);
    expect(Array.from(back)).toEqual(Array.from(levels));
  });

  it('is monotonic with the float depth, spanning 0..65535 per image', async () => {
    const depth = new Float32Array(8 * 6).map((_, i) => Math.sin(i * 0.7) * 3 + i * 0.05);
    const { values, range } = upsampleFloat(
      depth,
      { width: 8, height: 6 },
      { width: 37, height: 29 },
    );
    const png = encodeGray16Png(toLevels(values, range), 37, 29);
    const { levels } = await readBack16(png);
    expect(Math.min(...levels)).toBe(0);
    expect(Math.max(...levels)).toBe(65535);
    const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
    const descents = order.filter((at, k) => k > 0 && levels[at] < levels[order[k - 1]]);
    expect(descents).toEqual([]);
  });
});
