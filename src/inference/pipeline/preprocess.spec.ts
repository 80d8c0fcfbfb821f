import sharp, { Color } from 'sharp';
import { inputSizeFor, type SizePolicy } from '../model/model-catalog';
import { decodeForModel, toInputTensor } from './preprocess';

const two = { inputWidth: 2, inputHeight: 1 };
const contract = { normalization: 'in-graph', channelOrder: 'rgb' } as const;

describe('toInputTensor', () => {
  // Two pixels: (255, 0, 51) and (0, 102, 255).
  const rgb = new Uint8Array([255, 0, 51, 0, 102, 255]);

  it('builds planar NCHW RGB scaled to [0,1], without normalising again', () => {
    expect(Array.from(toInputTensor(rgb, two, contract))).toEqual(
      [1, 0, 0, 0.4, 0.2, 1].map((v) => Math.fround(v)),
    );
  });

  it('swaps to BGR when the model wants it', () => {
    const tensor = toInputTensor(rgb, two, { ...contract, channelOrder: 'bgr' });
    expect(Array.from(tensor)).toEqual([0.2, 1, 0, 0.4, 1, 0].map((v) => Math.fround(v)));
  });

  it('applies ImageNet mean/std only for models that do not do it in-graph', () => {
    const tensor = toInputTensor(rgb, two, { ...contract, normalization: 'imagenet' });
    expect(tensor[0]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(tensor[1]).toBeCloseTo((0 - 0.485) / 0.229, 5);
    expect(tensor[5]).toBeCloseTo((1 - 0.406) / 0.225, 5);
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => toInputTensor(new Uint8Array(5), two, contract)).toThrow(/Expected 6 RGB bytes/);
  });
});

describe('inputSizeFor', () => {
  const depthAnything: SizePolicy = {
    kind: 'keep-aspect',
    lowerBound: 518,
    multipleOf: 14,
    maxSide: 2072,
  };

  it('gives a fixed policy its size whatever the photo', () => {
    expect(inputSizeFor({ kind: 'fixed', width: 384, height: 384 }, 640, 480)).toEqual({
      width: 384,
      height: 384,
    });
  });

  it.each([
    [640, 480, 686, 518],
    [480, 640, 518, 686],
    [518, 518, 518, 518],
    [4000, 3000, 686, 518],
    [100, 50, 1036, 518],
  ])('sizes %ix%i to %ix%i: both sides >= 518, multiples of 14, aspect kept', (w, h, ew, eh) => {
    const size = inputSizeFor(depthAnything, w, h);
    expect(size).toEqual({ width: ew, height: eh });
    expect(Math.abs(size.width / size.height - w / h)).toBeLessThan(14 / 518);
  });

  it('caps the long side of a panorama, letting the short side drop below the bound', () => {
    const size = inputSizeFor(depthAnything, 12_000, 500);
    expect(size.width).toBe(2072);
    expect(size.height % 14).toBe(0);
    expect(size.height).toBeLessThan(518);
  });
});

describe('decodeForModel', () => {
  // A 6x shrink of the 12x6 photos is past the 4-tap kernel's reach, so libvips resizes
  // them (see resizesInJs).
  const size: SizePolicy = { kind: 'fixed', width: 2, height: 2 };
  const solid = (channels: 3 | 4, background: Color) =>
    sharp({ create: { width: 12, height: 6, channels, background } });

  it('flattens transparency onto white', async () => {
    const png = await solid(4, { r: 0, g: 0, b: 0, alpha: 0 }).png().toBuffer();
    const { rgb, width, height } = await decodeForModel(png, size, 1e6);
    expect([width, height, rgb.length]).toEqual([12, 6, 2 * 2 * 3]);
    expect(new Set(rgb)).toEqual(new Set([255]));
  });

  it('leaves an enlarged photo at its own size, for the tensor to be resampled from', async () => {
    const png = await solid(3, '#336699').png().toBuffer();
    const decoded = await decodeForModel(png, { kind: 'fixed', width: 16, height: 16 }, 1e6);
    expect([decoded.rgbWidth, decoded.rgbHeight, decoded.rgb.length]).toEqual([12, 6, 12 * 6 * 3]);
    const tensor = toInputTensor(decoded.rgb, decoded, contract);
    expect(tensor.length).toBe(16 * 16 * 3);
    // The kernel's weights sum to 1: a flat colour stays exactly that colour.
    const planes = [0, 1, 2].map((c) => new Set(tensor.subarray(c * 256, (c + 1) * 256)));
    expect(planes.map((plane) => [...plane])).toEqual(
      [0x33, 0x66, 0x99].map((v) => [Math.fround(v / 255)]),
    );
  });

  it('resizes to the size its policy gives the photo, keeping the aspect ratio', async () => {
    const png = await solid(3, '#336699').png().toBuffer();
    const policy: SizePolicy = { kind: 'keep-aspect', lowerBound: 14, multipleOf: 7, maxSide: 70 };
    const decoded = await decodeForModel(png, policy, 1e6);
    expect([decoded.inputWidth, decoded.inputHeight]).toEqual([28, 14]);
    expect(toInputTensor(decoded.rgb, decoded, contract).length).toBe(28 * 14 * 3);
  });

  it('converts greyscale, 16-bit and CMYK input to 8-bit sRGB', async () => {
    const grey = await solid(3, '#808080').greyscale().jpeg().toBuffer();
    const sixteen = await solid(3, '#ff0000').toColourspace('rgb16').png().toBuffer();
    const cmyk = await solid(3, '#996644').toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(sixteen).metadata()).depth).toBe('ushort');
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    // CMYK goes through ICC profiles both ways, so it comes back close, not exact.
    for (const [bytes, expected, tolerance] of [
      [grey, [128, 128, 128], 2],
      [sixteen, [255, 0, 0], 2],
      [cmyk, [0x99, 0x66, 0x44], 20],
    ] as const) {
      const { rgb } = await decodeForModel(bytes, size, 1e6);
      expect(rgb.length).toBe(2 * 2 * 3);
      const pixel = Array.from(rgb.subarray(0, 3));
      pixel.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(tolerance));
    }
  });

  it('reads an animated GIF as its first frame', async () => {
    const red = await solid(3, '#ff0000').png().toBuffer();
    const blue = await solid(3, '#0000ff').png().toBuffer();
    const gif = await sharp([red, blue], { join: { animated: true } })
      .gif()
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const { rgb, width, height } = await decodeForModel(gif, size, 1e6);
    expect([width, height]).toEqual([12, 6]);
    expect(Array.from(rgb.subarray(0, 3))).toEqual([255, 0, 0]);
  });

  it('applies EXIF orientation before reporting the size', async () => {
    const rotated = await solid(3, '#336699').jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const { width, height } = await decodeForModel(rotated, size, 1e6);
    expect([width, height]).toEqual([6, 12]);
  });

  it('takes the upright size from the caller when given, without reading the header for it', async () => {
    const rotated = await solid(3, '#336699').jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const read = await decodeForModel(rotated, size, 1e6);
    const given = await decodeForModel(rotated, size, 1e6, { width: 6, height: 12 });
    expect(Buffer.from(given.rgb).equals(Buffer.from(read.rgb))).toBe(true);
    // A size no header says: only the caller's value can have produced it.
    const told = await decodeForModel(rotated, size, 1e6, { width: 9, height: 4 });
    expect([told.width, told.height]).toEqual([9, 4]);
  });

  /** Noise compresses poorly, so every part of the file carries scan data. */
  const noisyJpeg = () =>
    sharp({
      create: {
        width: 256,
        height: 256,
        channels: 3,
        background: '#000',
        noise: { type: 'gaussian', mean: 128, sigma: 50 },
      },
    })
      .jpeg()
      .toBuffer();

  it('fails on truncated pixel data instead of returning a grey image', async () => {
    const jpeg = await noisyJpeg();
    await expect(decodeForModel(jpeg.subarray(0, jpeg.length / 2), size, 1e6)).rejects.toThrow();
  });

  it('fails on corrupt entropy-coded JPEG data instead of painting it grey', async () => {
    const jpeg = await noisyJpeg();
    const corrupt = Buffer.from(jpeg);
    const middle = Math.floor(corrupt.length / 2);
    for (let i = 0; i < 64; i++) corrupt[middle + i] = (i * 97 + 13) & 0x7f;
    // A stray marker inside the scan, as transfer garbage has; libjpeg warns and fills grey.
    corrupt.set([0xff, 0xe5], middle + 32);
    await expect(sharp(corrupt, { failOn: 'error' }).raw().toBuffer()).resolves.toBeDefined();
    await expect(decodeForModel(corrupt, size, 1e6)).rejects.toThrow(/Corrupt JPEG data/);
  });
});
