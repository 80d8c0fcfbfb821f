import { readdirSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { pngChunk, withPngChunks } from '../../test/helpers/corpus';
import {
  noise,
  oriented,
  orientedBigEndian,
  seeded,
  withBigEndianExif,
} from '../../test/helpers/generated-images';
import { photo, SHARED_IMAGES } from '../../test/helpers/paths';
import { readDeclaredSize, type DeclaredSize } from './image-header';
import { sniffFormat } from '../common/images/image-format';

const declared = (bytes: Buffer) => readDeclaredSize(sniffFormat(bytes)!, bytes);

/** What the probe took from sharp before: the header's size and the upright one. */
async function sharpSize(bytes: Buffer): Promise<DeclaredSize> {
  const meta = await sharp(bytes, { limitInputPixels: false, pages: 1 }).metadata();
  return { width: meta.width, height: meta.pageHeight ?? meta.height, upright: meta.autoOrient };
}

/** sharp's RGB PNG with `extra` chunks right after its IHDR. */
const pngWith = async (...extra: Buffer[]) => withPngChunks(await noise().png().toBuffer(), extra);

/** The JPEG with a segment inserted right after SOI. */
async function jpegWith(marker: number, payload: Buffer, into?: Buffer): Promise<Buffer> {
  const jpeg = into ?? (await noise().jpeg().toBuffer());
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), head, payload, jpeg.subarray(2)]);
}

describe('readDeclaredSize: what sharp reads, for the photos it vouches for', () => {
  const photos = readdirSync(SHARED_IMAGES).filter((name) => /\.(jpe?g|png)$/i.test(name));

  it.each(photos)('%s', async (name) => {
    const bytes = readFileSync(photo(name));
    const size = declared(bytes);
    // The one photo left to sharp carries an ICC profile and text chunks.
    if (name === 'astronaut_portrait.png') expect(size).toBeUndefined();
    else expect(size).toEqual(await sharpSize(bytes));
  });

  it.each<[string, () => Promise<Buffer>]>([
    ['baseline JPEG', () => noise().jpeg({ quality: 90 }).toBuffer()],
    ['progressive JPEG', () => noise().jpeg({ progressive: true }).toBuffer()],
    ['JPEG, 4:4:4', () => noise().jpeg({ chromaSubsampling: '4:4:4' }).toBuffer()],
    ['greyscale JPEG', () => noise().greyscale().jpeg().toBuffer()],
    // Interval 0 turns restarts off, so the scan data stays valid without restart markers.
    ['JPEG with a restart-interval segment', () => jpegWith(0xdd, Buffer.from([0, 0]))],
    ['JPEG with an XMP block', () => noise().jpeg().withXmp('<x:xmpmeta/>').toBuffer()],
    ['JPEG with a comment', () => jpegWith(0xfe, Buffer.from('made here'))],
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((o): [string, () => Promise<Buffer>] => [
      `JPEG with EXIF orientation ${o}`,
      () => oriented(noise(), o),
    ]),
    ['JPEG with big-endian EXIF orientation 6', () => orientedBigEndian(6)],
    ['RGB PNG', () => noise().png().toBuffer()],
    ['greyscale PNG', () => noise().greyscale().png().toBuffer()],
    ['interlaced PNG', () => noise().png({ progressive: true }).toBuffer()],
    ['palette PNG', () => noise().png({ palette: true, colours: 200 }).toBuffer()],
    ['2-colour palette PNG', () => noise().png({ palette: true, colours: 2 }).toBuffer()],
    ['PNG with alpha', () => noise(97, 61, 4).png().toBuffer()],
    ['16-bit PNG', () => noise().toColourspace('rgb16').png().toBuffer()],
    // sharp's PNGs carry pHYs already.
    [
      'PNG with sRGB, gAMA and pHYs',
      () =>
        pngWith(
          pngChunk('sRGB', Buffer.from([0])),
          pngChunk('gAMA', Buffer.from([0, 0, 0xb1, 0x8f])),
        ),
    ],
    ['JPEG with an ICC profile', () => noise().jpeg().withIccProfile('p3').toBuffer()],
  ])('%s', async (_, make) => {
    const bytes = await make();
    const size = declared(bytes);
    expect(size).toBeDefined();
    expect(size).toEqual(await sharpSize(bytes));
  });
});

describe('readDeclaredSize: leaves to sharp what it does not vouch for', () => {
  it.each<[string, () => Promise<Buffer>]>([
    ['WebP', () => noise().webp().toBuffer()],
    ['CMYK JPEG (Adobe marker)', () => noise().toColourspace('cmyk').jpeg().toBuffer()],
    ['JPEG Orientation as a LONG', () => withBigEndianExif('0112 0004 00000001 00010003')],
    ['JPEG Orientation 9', () => withBigEndianExif('0112 0003 00000001 00090000')],
    [
      'JPEG with two EXIF blocks',
      async () => {
        const once = await orientedBigEndian(6);
        return jpegWith(0xe1, once.subarray(6, 6 + once.readUInt16BE(4) - 2), once);
      },
    ],
    [
      'PNG with two pHYs chunks',
      () => pngWith(pngChunk('pHYs', Buffer.from([0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1]))),
    ],
    [
      'JPEG with JFIF version 2',
      () => jpegWith(0xe0, Buffer.from('4a46494600020000010001000000', 'hex')),
    ],
    ['PNG with an ICC profile', () => noise().png().withIccProfile('p3').toBuffer()],
    [
      'PNG with an eXIf chunk',
      () =>
        pngWith(
          pngChunk(
            'eXIf',
            Buffer.from('4d4d002a00000008000101120003000000010006000000000000', 'hex'),
          ),
        ),
    ],
    ['PNG with a text chunk', () => pngWith(pngChunk('tEXt', Buffer.from('Title\0x', 'latin1')))],
    [
      'PNG with gAMA after PLTE',
      async () => {
        const png = await noise().png({ palette: true, colours: 4 }).toBuffer();
        const plte = png.indexOf('PLTE', 0, 'latin1') - 4;
        const end = plte + 12 + png.readUInt32BE(plte);
        const gama = pngChunk('gAMA', Buffer.from([0, 0, 0xb1, 0x8f]));
        return Buffer.concat([png.subarray(0, end), gama, png.subarray(end)]);
      },
    ],
  ])('%s', async (_, make) => {
    expect(declared(await make())).toBeUndefined();
  });

  it('never vouches for a header sharp refuses or reads otherwise: 2,000 damaged headers', async () => {
    const sources = [
      await noise().jpeg().toBuffer(),
      await oriented(noise(), 6),
      await noise().png().toBuffer(),
      await noise().png({ palette: true, colours: 16 }).toBuffer(),
    ];
    const random = seeded(11);
    let vouched = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(sources[i % sources.length]);
      const header = Math.min(bytes.length, 700);
      for (let flips = 1 + random(3); flips > 0; flips--) bytes[random(header)] ^= 1 + random(255);
      const format = sniffFormat(bytes);
      const size = format && readDeclaredSize(format, bytes);
      if (!size) continue;
      vouched++;
      await expect(sharpSize(bytes)).resolves.toEqual(size);
    }
    // Most flips land in pixel data or tables' values: the reader still vouches for those.
    expect(vouched).toBeGreaterThan(500);
  });
});
