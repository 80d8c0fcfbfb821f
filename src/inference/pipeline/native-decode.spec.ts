import { readdirSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import {
  noise,
  oriented,
  orientedBigEndian,
  seeded,
  withBigEndianExif,
} from '../../../test/helpers/generated-images';
import { photo, SHARED_IMAGES } from '../../../test/helpers/paths';
import type { SizePolicy } from '../model/model-catalog';
import { type DecodedRgb, nativeKernels, useNativeKernels } from './native-kernels';
import { decodeForModel, toInputTensor } from './preprocess';

const decodeRgb = (bytes: Uint8Array, maxPixels = 1e8): DecodedRgb | undefined => {
  const decode = nativeKernels()?.decodeRgb;
  if (!decode) {
    throw new Error(
      'The addon has no decoder: it was built without libjpeg and libpng headers ' +
        '(apt-get install libjpeg62-turbo-dev libpng-dev, then npm run build:native).',
    );
  }
  return decode(bytes, maxPixels);
};

/** What decodeForModel's sharp path gives for a photo it does not resize. */
async function sharpRgb(bytes: Buffer): Promise<DecodedRgb> {
  const { data, info } = await sharp(bytes, { failOn: 'warning' })
    .autoOrient()
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgb: data, width: info.width, height: info.height };
}

async function expectSameAsSharp(bytes: Buffer): Promise<void> {
  const native = decodeRgb(bytes);
  expect(native).toBeDefined();
  const reference = await sharpRgb(bytes);
  expect([native!.width, native!.height]).toEqual([reference.width, reference.height]);
  expect(Buffer.from(native!.rgb).equals(reference.rgb)).toBe(true);
}

describe('decodeRgb: the same bits as sharp for plain photos', () => {
  const photos = readdirSync(SHARED_IMAGES).filter((name) => /\.(jpe?g|png)$/i.test(name));

  it.each(photos)('%s at its own size, or declined when sharp would change it', async (name) => {
    const bytes = readFileSync(photo(name));
    const meta = await sharp(bytes).metadata();
    if (meta.hasProfile || (meta.orientation ?? 1) !== 1 || meta.hasAlpha) {
      expect(decodeRgb(bytes)).toBeUndefined();
    } else {
      await expectSameAsSharp(bytes);
    }
  });

  it.each<[string, () => Promise<Buffer>]>([
    ['baseline JPEG, 4:2:0', () => noise().jpeg({ quality: 90 }).toBuffer()],
    ['progressive JPEG', () => noise().jpeg({ progressive: true }).toBuffer()],
    ['JPEG, 4:4:4', () => noise().jpeg({ chromaSubsampling: '4:4:4' }).toBuffer()],
    ['greyscale JPEG', () => noise().greyscale().jpeg().toBuffer()],
    [
      'JPEG tagged upright',
      () =>
        noise()
          .jpeg()
          .withExif({ IFD0: { Orientation: '1' } })
          .toBuffer(),
    ],
    ['JPEG tagged upright, big-endian EXIF', () => orientedBigEndian(1)],
    ['RGB PNG', () => noise().png().toBuffer()],
    ['greyscale PNG', () => noise().greyscale().png().toBuffer()],
    ['interlaced PNG', () => noise().png({ progressive: true }).toBuffer()],
    ['palette PNG', () => noise().png({ palette: true, colours: 200 }).toBuffer()],
    ['2-colour palette PNG', () => noise().png({ palette: true, colours: 2 }).toBuffer()],
  ])('%s', async (_, make) => {
    await expectSameAsSharp(await make());
  });
});

describe('decodeRgb: declines what sharp would change or refuse', () => {
  it.each<[string, () => Promise<Buffer | Uint8Array>]>([
    ['an EXIF-rotated JPEG', () => oriented(noise(), 6)],
    ['an EXIF-flipped JPEG', () => oriented(noise(), 3)],
    ['a JPEG rotated by big-endian EXIF', () => orientedBigEndian(8)],
    ['a JPEG with an ICC profile', () => noise().jpeg().withIccProfile('p3').toBuffer()],
    ['a CMYK JPEG', () => noise().toColourspace('cmyk').jpeg().toBuffer()],
    ['a PNG with an ICC profile', () => noise().png().withIccProfile('p3').toBuffer()],
    ['a PNG with alpha', () => noise(97, 61, 4).png().toBuffer()],
    ['a palette PNG with transparency', () => noise(97, 61, 4).png({ palette: true }).toBuffer()],
    ['a 16-bit PNG', () => noise().toColourspace('rgb16').png().toBuffer()],
    ['a WebP', () => noise().webp().toBuffer()],
    ['a GIF', () => noise().gif().toBuffer()],
    ['no bytes', () => Promise.resolve(new Uint8Array(0))],
    [
      'a JPEG marker and nothing else',
      () => Promise.resolve(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])),
    ],
  ])('%s', async (_, make) => {
    expect(decodeRgb(await make())).toBeUndefined();
  });

  it('a JPEG whose Orientation is not one SHORT, which sharp may still read as a turn', async () => {
    // A LONG holding 0x00010003: its first two bytes say 1, but sharp reads a half turn,
    // which keeps the size, so only declining keeps the addon from decoding it unturned.
    const bytes = await withBigEndianExif('0112 0004 00000001 00010003');
    expect((await sharp(bytes).metadata()).orientation).toBe(3);
    expect(decodeRgb(bytes)).toBeUndefined();
  });

  it('a truncated JPEG, which sharp refuses too', async () => {
    const whole = await noise(256, 256).jpeg().toBuffer();
    const cut = whole.subarray(0, whole.length >> 1);
    expect(decodeRgb(cut)).toBeUndefined();
    await expect(sharpRgb(cut)).rejects.toThrow();
  });

  it('a truncated PNG', async () => {
    const whole = await noise(256, 256).png().toBuffer();
    expect(decodeRgb(whole.subarray(0, whole.length >> 1))).toBeUndefined();
  });

  it('a photo over the pixel limit, which sharp then refuses with its own message', async () => {
    const bytes = await noise().jpeg().toBuffer();
    expect(decodeRgb(bytes, 97 * 61 - 1)).toBeUndefined();
    expect(decodeRgb(bytes, 97 * 61)).toBeDefined();
  });

  it('never disagrees with sharp on damaged bytes: the same pixels, or it declines', async () => {
    const sources = [await noise().jpeg().toBuffer(), await noise().png().toBuffer()];
    const random = seeded(7);
    let decoded = 0;
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(sources[i % 2]);
      for (let flips = 1 + random(4); flips > 0; flips--)
        bytes[random(bytes.length)] ^= 1 + random(255);
      const native = decodeRgb(bytes);
      if (!native) continue;
      decoded++;
      const reference = await sharpRgb(bytes);
      expect(Buffer.from(native.rgb).equals(reference.rgb)).toBe(true);
    }
    console.log(`Damaged bytes: the addon decoded ${decoded} of 300 variants, all as sharp does.`);
  });
});

describe('decodeForModel with the addon decoder', () => {
  const midas: SizePolicy = { kind: 'fixed', width: 256, height: 256 };
  const contract = { normalization: 'in-graph', channelOrder: 'rgb' } as const;
  const street = () => readFileSync(photo('street_london_2048.jpg'));
  afterEach(() => useNativeKernels(true));

  it('decodes a plain photo natively, to the tensor sharp decoding gives', async () => {
    const { data: bytes, info } = await sharp(street())
      .resize(640)
      .jpeg()
      .toBuffer({ resolveWithObject: true });
    const upright = { width: info.width, height: info.height };
    const native = await decodeForModel(bytes, midas, 1e8, upright);
    useNativeKernels(false);
    const viaSharp = await decodeForModel(bytes, midas, 1e8, upright);
    expect([native.decoder, viaSharp.decoder]).toEqual(['native', 'sharp']);
    expect(Buffer.from(native.rgb).equals(Buffer.from(viaSharp.rgb))).toBe(true);
    useNativeKernels(true);
    const tensor = (decoded: typeof native) =>
      Buffer.from(toInputTensor(decoded.rgb, decoded, contract).buffer);
    expect(tensor(native).equals(tensor(viaSharp))).toBe(true);
  });

  it('leaves a rotated photo, one shrunk past 3x, and one of unknown size to sharp', async () => {
    const rotated = await oriented(sharp(street()).resize(640), 6);
    const big = await sharp(street()).resize(1024).jpeg().toBuffer();
    const plain = await sharp(street()).resize(640).jpeg().toBuffer();
    const upright = async (bytes: Buffer) => (await sharp(bytes).metadata()).autoOrient;
    const cases = [
      decodeForModel(rotated, midas, 1e8, await upright(rotated)),
      decodeForModel(big, midas, 1e8, await upright(big)),
      decodeForModel(plain, midas, 1e8),
    ];
    expect((await Promise.all(cases)).map((decoded) => decoded.decoder)).toEqual([
      'sharp',
      'sharp',
      'sharp',
    ]);
  });
});
