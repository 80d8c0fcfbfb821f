import { readFileSync } from 'node:fs';
import { corruptMiddle } from '../../../test/helpers/corpus';
import { photo } from '../../../test/helpers/paths';
import { decodeFailureMessage } from './decode-failure';
import { decodeForModel } from './preprocess';

const FAIL_ON = 'Warning treated as error due to failOn setting';
const PREMATURE = 'VipsJpeg: Corrupt JPEG data: premature end of data segment';

describe('decodeFailureMessage', () => {
  it('keeps a cause as it came', () => {
    expect(decodeFailureMessage(PREMATURE)).toBe(PREMATURE);
  });

  it('keeps a line that came twice only once, and drops the failOn line beside a cause', () => {
    expect(decodeFailureMessage(`${PREMATURE}\n${PREMATURE}\n`)).toBe(PREMATURE);
    expect(decodeFailureMessage(`${FAIL_ON}\n${PREMATURE}`)).toBe(PREMATURE);
  });

  it('explains a failOn line that lost its cause', () => {
    expect(decodeFailureMessage(FAIL_ON)).toMatch(/^Corrupt JPEG data: .*damaged or truncated/);
  });

  it('leaves an empty message alone', () => {
    expect(decodeFailureMessage('')).toBe('');
  });
});

describe('damaged JPEGs decoded side by side', () => {
  // libvips' shared error buffer loses or doubles causes when decodes overlap (see decode-failure.ts).
  it('each say plainly, once, that the data is corrupt', async () => {
    const cat = readFileSync(photo('chelsea_cat_small.jpg'));
    const damaged = corruptMiddle(cat);
    const policy = { kind: 'fixed', width: 256, height: 256 } as const;
    const messages: string[] = [];
    for (let round = 0; round < 10; round++) {
      const decodes = [damaged, cat, cat, damaged].map((bytes) =>
        decodeForModel(bytes, policy, 1e8).then(
          () => undefined,
          (error: Error) => error.message,
        ),
      );
      messages.push(...(await Promise.all(decodes)).filter((m): m is string => m !== undefined));
    }
    expect(messages).toHaveLength(20);
    for (const message of messages) {
      expect(message).toMatch(/^(VipsJpeg: )?Corrupt JPEG data: [^\n]+$/);
      expect(message).not.toContain(FAIL_ON);
    }
  });
});
