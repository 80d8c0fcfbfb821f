import { readdirSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { noise, oriented, orientedBigEndian, seeded } from '../../test/helpers/generated-images';
import { photo, SHARED_IMAGES } from '../../test/helpers/paths';
import { nativeKernels, useNativeKernels } from '../inference/pipeline/native-kernels';
import {
  ImageTooLargeError,
  InvalidImageError,
  UnsupportedImageError,
} from './errors/image.errors';
import { probeImage, sniffFormat } from './image-probe';

describe('image probe', () => {
  const limits = { maxInputPixels: 1e6, maxSide: 12_000 };
  const make = (
    format: 'jpeg' | 'png' | 'webp' | 'tiff' | 'gif' | 'avif',
    width = 10,
    height = 6,
  ) =>
    sharp({ create: { width, height, channels: 3, background: '#123456' } })
      .toFormat(format)
      .toBuffer();

  it.each(['jpeg', 'png', 'webp', 'tiff', 'gif'] as const)(
    'recognises %s from its bytes',
    async (format) => {
      const bytes = await make(format);
      expect(sniffFormat(bytes)).toBe(format);
      const upright = { width: 10, height: 6 };
      expect(await probeImage(bytes, limits)).toEqual({ format, width: 10, height: 6, upright });
    },
  );

  it('reports the upright size of an EXIF-rotated photo, which is what the worker decodes to', async () => {
    const rotated = await sharp({
      create: { width: 10, height: 6, channels: 3, background: '#123456' },
    })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const probed = await probeImage(rotated, limits);
    expect([probed.width, probed.height]).toEqual([10, 6]);
    expect(probed.upright).toEqual({ width: 6, height: 10 });
  });

  it.each([
    ['AVIF', () => make('avif')],
    ['BMP', () => Promise.resolve(Buffer.from('BM' + '\0'.repeat(60)))],
    ['SVG', () => Promise.resolve(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))],
  ])('refuses %s as unsupported', async (_label, bytes) => {
    await expect(probeImage(await bytes(), limits)).rejects.toBeInstanceOf(UnsupportedImageError);
  });

  it('calls an empty file invalid, not an unknown format', async () => {
    await expect(probeImage(Buffer.alloc(0), limits)).rejects.toThrow(
      new InvalidImageError('The uploaded file is empty.'),
    );
  });

  it('checks the pixel count from the header alone', async () => {
    const bytes = await make('png', 2000, 1000);
    const at = (maxInputPixels: number) => probeImage(bytes, { ...limits, maxInputPixels });
    await expect(at(1_999_999)).rejects.toBeInstanceOf(ImageTooLargeError);
    await expect(at(2_000_000)).resolves.toMatchObject({ width: 2000, height: 1000 });
  });

  it('checks the longest side separately from the pixel count', async () => {
    const bytes = await make('png', 2000, 10);
    const at = (maxSide: number) => probeImage(bytes, { maxInputPixels: 1e9, maxSide });
    await expect(at(1999)).rejects.toThrow('the longest side may be 1999 pixels');
    await expect(at(2000)).resolves.toMatchObject({ width: 2000, height: 10 });
  });

  it('calls a readable signature with an unreadable header invalid', async () => {
    const bytes = Buffer.concat([
      Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
      Buffer.from('garbage'),
    ]);
    await expect(probeImage(bytes, limits)).rejects.toBeInstanceOf(InvalidImageError);
  });

  it.each(['jpeg', 'png'] as const)(
    'calls a %s cut short invalid although its header reads',
    async (format) => {
      const whole = await sharp({
        create: {
          width: 64,
          height: 48,
          channels: 3,
          background: '#000',
          noise: { type: 'gaussian', mean: 128, sigma: 40 },
        },
      })
        .toFormat(format)
        .toBuffer();
      await expect(probeImage(whole, limits)).resolves.toMatchObject({ format });
      const cut = whole.subarray(0, Math.floor(whole.length * 0.7));
      expect((await sharp(cut).metadata()).width).toBe(64);
      await expect(probeImage(cut, limits)).rejects.toThrow(/image is incomplete/);
    },
  );

  it('accepts bytes after a JPEG end-of-image marker (camera trailers)', async () => {
    const jpeg = await make('jpeg');
    const trailer = Buffer.concat([jpeg, Buffer.from('trailing vendor data')]);
    await expect(probeImage(trailer, limits)).resolves.toMatchObject({ format: 'jpeg' });
  });
});

describe('image probe: JPEG and PNG headers read by the addon, as sharp reads them', () => {
  const limits = { maxInputPixels: 1e8, maxSide: 20_000 };
  const readHeader = (bytes: Uint8Array) => {
    const read = nativeKernels()?.readHeader;
    if (!read) {
      throw new Error(
        'The addon has no header reader: it was built without libjpeg and libpng headers ' +
          '(apt-get install libjpeg62-turbo-dev libpng-dev, then npm run build:native).',
      );
    }
    return read(bytes);
  };
  const bySharp = async (bytes: Uint8Array) => {
    const meta = await sharp(bytes, { limitInputPixels: false, pages: 1 }).metadata();
    return { width: meta.width, height: meta.height, upright: meta.autoOrient };
  };
  const probedBySharp = async (bytes: Uint8Array) => {
    useNativeKernels(false);
    try {
      return await probeImage(bytes, limits);
    } finally {
      useNativeKernels(true);
    }
  };

  async function plainFiles(): Promise<[string, Buffer][]> {
    const shared = readdirSync(SHARED_IMAGES)
      .filter((name) => /\.(jpe?g|png)$/i.test(name))
      .map((name): [string, Buffer] => [name, readFileSync(photo(name))]);
    const orientations: [string, Buffer][] = [];
    for (let o = 1; o <= 8; o++) {
      orientations.push([`EXIF orientation ${o}`, await oriented(noise(), o)]);
      orientations.push([`big-endian EXIF orientation ${o}`, await orientedBigEndian(o)]);
    }
    return [
      ...shared,
      ...orientations,
      ['progressive JPEG', await noise().jpeg({ progressive: true }).toBuffer()],
      ['grey JPEG', await noise().greyscale().jpeg().toBuffer()],
      ['CMYK JPEG', await noise().toColourspace('cmyk').jpeg().toBuffer()],
      ['JPEG with an ICC profile', await noise().jpeg().withIccProfile('p3').toBuffer()],
      ['RGBA PNG', await noise(97, 61, 4).png().toBuffer()],
      ['palette PNG', await noise().png({ palette: true }).toBuffer()],
      ['interlaced PNG', await noise().png({ progressive: true }).toBuffer()],
      ['16-bit PNG', await noise().toColourspace('rgb16').png().toBuffer()],
    ];
  }

  it('gives sharp metadata size and upright size for every JPEG and PNG it reads', async () => {
    let read = 0;
    const files = await plainFiles();
    for (const [name, bytes] of files) {
      const header = readHeader(bytes);
      // libpng warns about some embedded ICC profiles, and any warning leaves the file to sharp.
      if (!header && (await sharp(bytes).metadata()).hasProfile) continue;
      expect({ name, header }).toEqual({ name, header: expect.any(Object) });
      read++;
      const upright = header!.orientation >= 5;
      expect({ name, ...(await bySharp(bytes)) }).toEqual({
        name,
        width: header!.width,
        height: header!.height,
        upright: upright
          ? { width: header!.height, height: header!.width }
          : { width: header!.width, height: header!.height },
      });
      expect(await probeImage(bytes, limits)).toEqual(await probedBySharp(bytes));
    }
    expect(read).toBeGreaterThanOrEqual(files.length - 2);
  });

  it('leaves other formats, odd orientations and a second EXIF block to sharp', async () => {
    const exif = (orientation: number) => {
      const ifd = `0001 0112 0003 00000001 ${orientation.toString(16).padStart(4, '0')}0000 00000000`;
      const tiff = Buffer.from(`4d4d002a00000008${ifd}`.replaceAll(' ', ''), 'hex');
      const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
      const header = Buffer.from([0xff, 0xe1, 0, 0]);
      header.writeUInt16BE(payload.length + 2, 2);
      return Buffer.concat([header, payload]);
    };
    const jpeg = await noise().jpeg().toBuffer();
    const withExif = (...blocks: Buffer[]) =>
      Buffer.concat([jpeg.subarray(0, 2), ...blocks, jpeg.subarray(2)]);
    expect(readHeader(withExif(exif(6)))).toEqual({ width: 97, height: 61, orientation: 6 });
    for (const bytes of [
      withExif(exif(0)),
      withExif(exif(9)),
      withExif(exif(6), exif(1)),
      await noise().webp().toBuffer(),
      await noise().gif().toBuffer(),
      Buffer.from('\x89PNG\r\n\x1a\ngarbage', 'latin1'),
    ]) {
      expect(readHeader(bytes)).toBeUndefined();
    }
  });

  it('never reads a damaged header sharp cannot: the same size, or it leaves the file to sharp', async () => {
    const sources = [
      await noise().jpeg().toBuffer(),
      await oriented(noise(), 6),
      await noise().png().toBuffer(),
    ];
    const random = seeded(11);
    let read = 0;
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(sources[i % 3]);
      // Damage within the first 200 bytes, where the headers are.
      for (let flips = 1 + random(3); flips > 0; flips--) bytes[random(200)] ^= 1 + random(255);
      const header = readHeader(bytes);
      if (!header) continue;
      read++;
      const reference = await bySharp(bytes);
      const turned = header.orientation >= 5;
      expect([header.width, header.height]).toEqual([reference.width, reference.height]);
      expect(turned ? [header.height, header.width] : [header.width, header.height]).toEqual([
        reference.upright.width,
        reference.upright.height,
      ]);
    }
    console.log(`Damaged headers: the addon read ${read} of 300, all as sharp reads them.`);
  });
});
