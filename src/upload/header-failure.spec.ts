import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { corruptMiddle } from '../../test/helpers/corpus';
import { photo } from '../../test/helpers/paths';
import { decodeForModel } from '../inference/pipeline/preprocess';
import { headerFailureReason } from './header-failure';
import { probeImage } from './image-probe';

const NO_REASON = 'its header is damaged or incomplete';

describe('headerFailureReason', () => {
  it("keeps each of the loader's lines once, without sharp's prefix or the loader's tag", () => {
    const jpeg =
      'Input buffer has corrupt header: VipsJpeg: premature end of JPEG image\n' +
      'VipsJpeg: JPEG datastream contains no image\nVipsJpeg: premature end of JPEG image\n' +
      'VipsJpeg: JPEG datastream contains no image\nVipsJpeg: premature end of JPEG image';
    expect(headerFailureReason('jpeg', jpeg)).toBe(
      'premature end of JPEG image; JPEG datastream contains no image',
    );
    expect(
      headerFailureReason(
        'gif',
        'Input buffer has corrupt header: gifload_buffer: Unexpected end of GIF source data.',
      ),
    ).toBe('Unexpected end of GIF source data');
  });

  it('says plainly that the header is damaged when libvips gave no reason', () => {
    expect(headerFailureReason('png', 'Input buffer has corrupt header:')).toBe(NO_REASON);
    expect(headerFailureReason('tiff', 'Input buffer contains unsupported image format')).toBe(
      NO_REASON,
    );
  });

  it("drops lines another format's loader wrote", () => {
    const mixed =
      'Input buffer has corrupt header: source: bad seek to 14012\n' +
      'tiff2vips: source input: Seek error accessing TIFF directory\nwebp: unable to parse image';
    expect(headerFailureReason('webp', mixed)).toBe('unable to parse image');
    expect(headerFailureReason('webp', 'VipsForeignLoad: buffer is not in a known format')).toBe(
      NO_REASON,
    );
  });
});

describe('broken headers read while other images decode', () => {
  // libvips' shared error buffer mixes causes between threads (see libvips-reasons.ts). A lost
  // cause is common here, a foreign line rare (about 1 in 60): the unit tests above pin the filter.
  it('each get one line about their own format', async () => {
    const cat = readFileSync(photo('chelsea_cat_small.jpg'));
    const damaged = corruptMiddle(cat);
    const webp = Buffer.from(await sharp(cat).webp().toBuffer());
    webp.fill(0xff, 20, 40);
    const tiff = (await sharp(cat).tiff().toBuffer()).subarray(0, 64);
    const limits = { maxInputPixels: 1e8, maxSide: 20_000 };
    const policy = { kind: 'fixed', width: 256, height: 256 } as const;
    const messages: string[] = [];
    for (let round = 0; round < 15; round++) {
      const decodes = [damaged, damaged, cat].map((bytes) =>
        decodeForModel(bytes, policy, 1e8).catch(() => undefined),
      );
      const reads = [webp, tiff, webp, tiff].map((bytes) =>
        probeImage(bytes, limits).then(
          () => 'accepted',
          (error: Error) => error.message,
        ),
      );
      await Promise.all(decodes);
      messages.push(...(await Promise.all(reads)));
    }
    const allowed = [
      'The WEBP image could not be read: unable to parse image.',
      `The WEBP image could not be read: ${NO_REASON}.`,
      `The TIFF image could not be read: ${NO_REASON}.`,
    ];
    for (const message of messages) expect(allowed).toContain(message);
    expect(messages.filter((m) => m.startsWith('The TIFF'))).toHaveLength(30);
  });
});
