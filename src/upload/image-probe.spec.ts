import sharp from 'sharp';
import {
  ImageTooLargeError,
  InvalidImageError,
  UnsupportedImageError,
} from './errors/image.errors';
import { probeImage, sniffFormat } from './image-probe';

describe('image probe', () => {
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
      expect(await probeImage(bytes, 1e6)).toEqual({ format, width: 10, height: 6 });
    },
  );

  it.each([
    ['AVIF', () => make('avif')],
    ['BMP', () => Promise.resolve(Buffer.from('BM' + '\0'.repeat(60)))],
    ['SVG', () => Promise.resolve(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))],
    ['empty', () => Promise.resolve(Buffer.alloc(0))],
  ])('refuses %s as unsupported', async (_label, bytes) => {
    await expect(probeImage(await bytes(), 1e6)).rejects.toBeInstanceOf(UnsupportedImageError);
  });

  it('checks the pixel count from the header alone', async () => {
    const bytes = await make('png', 2000, 1000);
    await expect(probeImage(bytes, 1_999_999)).rejects.toBeInstanceOf(ImageTooLargeError);
    await expect(probeImage(bytes, 2_000_000)).resolves.toMatchObject({
      width: 2000,
      height: 1000,
    });
  });

  it('calls a readable signature with an unreadable header invalid', async () => {
    const bytes = Buffer.concat([
      Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
      Buffer.from('garbage'),
    ]);
    await expect(probeImage(bytes, 1e6)).rejects.toBeInstanceOf(InvalidImageError);
  });
});
