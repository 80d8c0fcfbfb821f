import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { corruptMiddle, scrambleMiddle } from '../../../test/helpers/corpus';
import { photo } from '../../../test/helpers/paths';
import { decodeFailureReason } from './decode-failure';
import { decodeForModel } from './preprocess';

const FAIL_ON = 'Warning treated as error due to failOn setting';
const PREMATURE = 'Corrupt JPEG data: premature end of data segment';
const DAMAGED_JPEG = /^Corrupt JPEG data: the decoder warned about the data, most often damaged/;

describe('decodeFailureReason', () => {
  it("keeps each of the decoder's own lines once, without its tag", () => {
    expect(decodeFailureReason('jpeg', `VipsJpeg: ${PREMATURE}`)).toBe(PREMATURE);
    expect(decodeFailureReason('jpeg', `VipsJpeg: ${PREMATURE}\nVipsJpeg: ${PREMATURE}\n`)).toBe(
      PREMATURE,
    );
    expect(decodeFailureReason('png', `${FAIL_ON}\nvipspng: libpng read error`)).toBe(
      'libpng read error',
    );
  });

  it("drops lines other decoders wrote, and libvips' untagged ones", () => {
    const mixed = `tiff2vips: Using code not yet in table\nVipsJpeg: ${PREMATURE}\nerror in tile 0 x 104`;
    expect(decodeFailureReason('jpeg', mixed)).toBe(PREMATURE);
    expect(decodeFailureReason('tiff', mixed)).toBe('Using code not yet in table');
  });

  it('says plainly that the data is damaged when no line of its own arrived', () => {
    expect(decodeFailureReason('jpeg', FAIL_ON)).toMatch(DAMAGED_JPEG);
    expect(decodeFailureReason('jpeg', 'error in tile 0 x 104')).toMatch(DAMAGED_JPEG);
    expect(decodeFailureReason('png', 'Unknown error')).toBe(
      'the PNG data is damaged or incomplete',
    );
    expect(decodeFailureReason('png', `VipsJpeg: ${PREMATURE}`)).toBe(
      'the PNG data is damaged or incomplete',
    );
  });

  it('passes the message on when the format is not known', () => {
    expect(decodeFailureReason(undefined, 'bad seek to 12')).toBe('bad seek to 12');
  });
});

describe('damaged photos decoded side by side', () => {
  // libvips' shared error buffer loses, doubles and swaps causes when decodes overlap
  // (see libvips-reasons.ts); before the filter about 1 in 4 messages here were wrong.
  it("each say plainly, once, what is wrong with their own format's data", async () => {
    const cat = readFileSync(photo('chelsea_cat_small.jpg'));
    const damaged = {
      jpeg: corruptMiddle(cat),
      png: scrambleMiddle(await sharp(cat).png().toBuffer()),
      tiff: scrambleMiddle(await sharp(cat).tiff({ compression: 'lzw' }).toBuffer()),
    };
    const allowed = {
      jpeg: [PREMATURE, DAMAGED_JPEG],
      png: ['libpng read error', 'the PNG data is damaged or incomplete'],
      tiff: ['Using code not yet in table', 'the TIFF data is damaged or incomplete'],
    };
    const policy = { kind: 'fixed', width: 256, height: 256 } as const;
    const formats = ['jpeg', 'png', 'tiff', 'jpeg', 'png', 'tiff'] as const;
    const failures: { format: keyof typeof allowed; message: string }[] = [];
    for (let round = 0; round < 10; round++) {
      const decodes = formats.map((format) =>
        decodeForModel(damaged[format], policy, 1e8).then(
          () => ({ format, message: 'decoded' }),
          (error: Error) => ({ format, message: error.message }),
        ),
      );
      const beside = decodeForModel(cat, policy, 1e8);
      failures.push(...(await Promise.all(decodes)));
      await beside;
    }
    expect(failures).toHaveLength(60);
    for (const { format, message } of failures) {
      const fits = allowed[format].some((a) =>
        typeof a === 'string' ? a === message : a.test(message),
      );
      expect({ format, message, fits }).toEqual({ format, message, fits: true });
    }
  });
});

describe('a header sharp cannot read, when no upright size is given', () => {
  // The service always passes the size admission read; the CLI and the bench do not.
  it("is told in its own format's words, each once", async () => {
    const cat = readFileSync(photo('chelsea_cat_small.jpg'));
    const png = await sharp(cat).png().toBuffer();
    const policy = { kind: 'fixed', width: 256, height: 256 } as const;
    await expect(decodeForModel(cat.subarray(0, 200), policy, 1e8)).rejects.toThrow(
      /^premature end of JPEG image; Invalid JPEG file structure: missing SOS marker$/,
    );
    await expect(decodeForModel(png.subarray(0, 30), policy, 1e8)).rejects.toThrow(
      /^the PNG data is damaged or incomplete$/,
    );
  });
});
