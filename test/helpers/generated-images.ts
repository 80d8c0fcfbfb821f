import sharp, { type Sharp } from 'sharp';

/**
 * Test images made on the spot, the same bytes on every run: for the specs
 * that compare the addon's decoder and header reader with sharp.
 */

/** A xorshift generator: the same numbers on every run, so every run tests the same files. */
export function seeded(seed: number): (n: number) => number {
  let state = seed >>> 0 || 1;
  return (n) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % n;
  };
}

/** Seeded noise over a gradient, so every DCT coefficient and PNG filter type is exercised. */
export function noise(width = 97, height = 61, channels: 3 | 4 = 3): Sharp {
  const random = seeded(width * 7919 + height * 31 + channels);
  const pixels = Buffer.alloc(width * height * channels);
  for (let i = 0; i < pixels.length; i++) {
    const x = Math.floor(i / channels) % width;
    pixels[i] = (x * 2 + (i % channels) * 60 + random(120)) & 255;
  }
  return sharp(pixels, { raw: { width, height, channels } });
}

/**
 * A JPEG with EXIF orientation `orientation` and no ICC profile: sharp's
 * withMetadata would add a profile, and its withExif leaves Orientation at 1,
 * so the tag's value is patched in (IFD0 entry 0x0112, little-endian SHORT).
 */
export async function oriented(image: Sharp, orientation: number): Promise<Buffer> {
  const bytes = await image
    .jpeg()
    .withExif({ IFD0: { Orientation: '1' } })
    .toBuffer();
  const entry = Buffer.from('1201030001000000', 'hex');
  const at = bytes.indexOf(entry);
  expect(at).toBeGreaterThan(0);
  bytes[at + entry.length] = orientation;
  const meta = await sharp(bytes).metadata();
  expect([meta.orientation, meta.hasProfile]).toEqual([orientation, false]);
  return bytes;
}

/** A JPEG with a big-endian ("MM") EXIF block holding only the orientation, right after SOI. */
export async function orientedBigEndian(orientation: number): Promise<Buffer> {
  const bytes = await withBigEndianExif(`0112 0003 00000001 000${orientation}0000`);
  expect((await sharp(bytes).metadata()).orientation).toBe(orientation);
  return bytes;
}

/** A JPEG with a big-endian EXIF block whose IFD0 holds one 12-byte entry, given in hex. */
export async function withBigEndianExif(entry: string): Promise<Buffer> {
  const jpeg = await noise().jpeg().toBuffer();
  const tiff = Buffer.from(`4d4d002a00000008 0001 ${entry} 00000000`.replaceAll(' ', ''), 'hex');
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}
