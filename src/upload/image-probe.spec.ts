import sharp from 'sharp';
import {
  ImageTooLargeError,
  InvalidImageError,
  UnsupportedImageError,
} from './errors/image.errors';
import { sniffFormat } from '../common/images/image-format';
import { probeImage } from './image-probe';
import { MAX_JPEG_HEADER_SEGMENTS, MAX_JPEG_SCANS } from './image-structure';

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

  describe('a JPEG header stuffed with empty APP1 segments (slow for libjpeg to save)', () => {
    const withApp1Segments = async (count: number) => {
      const jpeg = await make('jpeg');
      const segment = Buffer.from([0xff, 0xe1, 0x00, 0x04, 0x00, 0x00]);
      const stuffing = Buffer.concat(Array.from({ length: count }, () => segment));
      return Buffer.concat([jpeg.subarray(0, 2), stuffing, jpeg.subarray(2)]);
    };

    it('accepts hundreds of segments, as large ICC profiles and extended XMP need', async () => {
      // The encoder's own segments (tables, frame, scan) stay well under 24.
      const bytes = await withApp1Segments(MAX_JPEG_HEADER_SEGMENTS - 24);
      await expect(probeImage(bytes, limits)).resolves.toMatchObject({ format: 'jpeg', width: 10 });
    });

    it.each([MAX_JPEG_HEADER_SEGMENTS + 1, 100_000])(
      'refuses %i of them as invalid before any decoder reads the header',
      async (count) => {
        const bytes = await withApp1Segments(count);
        await expect(probeImage(bytes, limits)).rejects.toThrow(
          new InvalidImageError(
            `The JPEG image is refused: it has more than ${MAX_JPEG_HEADER_SEGMENTS} marker segments before its image data.`,
          ),
        );
      },
    );
  });

  describe('a JPEG with many scans (each one a pass over the whole image)', () => {
    // One-component scan headers with a byte of data each, before the end-of-image marker:
    // enough structure for the count, which runs before any decoder.
    const scan = Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x01, 0x01, 0x00, 0x00]);
    const withScans = async (extra: number, progressive = true) => {
      const jpeg = await sharp({
        create: { width: 64, height: 48, channels: 3, background: '#246' },
      })
        .jpeg({ progressive })
        .toBuffer();
      const scans = Buffer.concat(Array.from({ length: extra }, () => scan));
      return Buffer.concat([jpeg.subarray(0, -2), scans, jpeg.subarray(-2)]);
    };

    it('accepts a progressive JPEG (sharp writes 10 scans) with up to the limit', async () => {
      const bytes = await withScans(MAX_JPEG_SCANS - 20);
      await expect(probeImage(bytes, limits)).resolves.toMatchObject({ format: 'jpeg' });
    });

    it('refuses one with more scans before any decoder reads it', async () => {
      const bytes = await withScans(MAX_JPEG_SCANS + 1, false);
      await expect(probeImage(bytes, limits)).rejects.toThrow(
        new InvalidImageError(
          `The JPEG image is refused: it has more than ${MAX_JPEG_SCANS} scans.`,
        ),
      );
    });

    it('counts only real scans, not FF DA bytes inside a comment', async () => {
      const jpeg = await make('jpeg');
      const text = Buffer.alloc(2 * (MAX_JPEG_SCANS + 50), Buffer.from([0xff, 0xda]));
      const comment = Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), text]);
      comment.writeUInt16BE(text.length + 2, 2);
      const bytes = Buffer.concat([jpeg.subarray(0, 2), comment, jpeg.subarray(2)]);
      await expect(probeImage(bytes, limits)).resolves.toMatchObject({ format: 'jpeg' });
    });
  });
});
