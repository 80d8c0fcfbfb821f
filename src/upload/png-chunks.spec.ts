import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { pngChunk, withPngChunks, zTxtInflatingTo } from '../../test/helpers/corpus';
import {
  findInflationBomb as inflationBombIn,
  PNG_COMPRESSED_CHUNK_LIMITS,
  readChunks,
} from './png-chunks';

const findInflationBomb = (png: Buffer) => inflationBombIn(readChunks(png).compressed);

const MiB = 1024 * 1024;

describe('PNG compressed chunks', () => {
  let png: Buffer;
  beforeAll(async () => {
    png = await sharp({ create: { width: 8, height: 6, channels: 3, background: '#123' } })
      .png()
      .toBuffer();
  });

  const iTxt = (compressed: boolean, text: Buffer) =>
    pngChunk(
      'iTXt',
      Buffer.concat([
        Buffer.from(`XML:com.adobe.xmp\0${compressed ? '\x01' : '\0'}\0en\0\0`, 'latin1'),
        compressed ? deflateSync(text) : text,
      ]),
    );

  it('passes a PNG with an ICC profile and modest text, compressed or not', async () => {
    const withProfile = await sharp(png).withIccProfile('p3').png().toBuffer();
    const bytes = withPngChunks(withProfile, [
      zTxtInflatingTo(512 * 1024, 'Raw profile type exif'),
      iTxt(true, Buffer.alloc(256 * 1024, 0x20)),
      iTxt(false, Buffer.alloc(8 * MiB, 0x20)),
    ]);
    expect(bytes.includes('iCCP')).toBe(true);
    await expect(findInflationBomb(bytes)).resolves.toBeUndefined();
  });

  it('refuses text that inflates past the budget in total', async () => {
    const bomb = withPngChunks(
      png,
      Array.from({ length: 50 }, () => zTxtInflatingTo(8 * MiB)),
    );
    await expect(findInflationBomb(bomb)).resolves.toBe(
      'its compressed text and profile chunks inflate past 4 MiB',
    );
    const justUnder = withPngChunks(png, [zTxtInflatingTo(2 * MiB), zTxtInflatingTo(2 * MiB - 64)]);
    await expect(findInflationBomb(justUnder)).resolves.toBeUndefined();
    const justOver = withPngChunks(png, [zTxtInflatingTo(2 * MiB), zTxtInflatingTo(2 * MiB + 1)]);
    await expect(findInflationBomb(justOver)).resolves.toMatch(/inflate past/);
  });

  it('counts compressed iTXt against the budget too', async () => {
    const bomb = withPngChunks(png, [iTxt(true, Buffer.alloc(5 * MiB, 0x20))]);
    await expect(findInflationBomb(bomb)).resolves.toMatch(/inflate past 4 MiB/);
  });

  it('refuses more compressed chunks than the count limit, however small', async () => {
    const { count } = PNG_COMPRESSED_CHUNK_LIMITS;
    const chunks = (n: number) => Array.from({ length: n }, () => zTxtInflatingTo(16));
    await expect(findInflationBomb(withPngChunks(png, chunks(count)))).resolves.toBeUndefined();
    await expect(findInflationBomb(withPngChunks(png, chunks(count + 1)))).resolves.toBe(
      `it has more than ${count} compressed text or profile chunks`,
    );
  });

  it('refuses a compressed chunk that is not a zlib stream', async () => {
    const broken = pngChunk('zTXt', Buffer.from('Comment\0\0not deflate at all', 'latin1'));
    await expect(findInflationBomb(withPngChunks(png, [broken]))).resolves.toBe(
      'its zTXt chunk does not inflate',
    );
  });
});
