import sharp from 'sharp';
import { checkDepthOutput, GOLDEN_SIZE, goldenImage } from './self-check';

describe('checkDepthOutput', () => {
  const fed = { width: 3, height: 2 };
  const ramp = Float32Array.from([0, 1, 2, 3, 4, 5]);

  it('passes a finite, varying output of the fed size, with or without the batch dimension', () => {
    expect(checkDepthOutput([1, 2, 3], ramp, fed)).toBeUndefined();
    expect(checkDepthOutput([2, 3], ramp, fed)).toBeUndefined();
    expect(checkDepthOutput([1, 1, 2, 3], ramp, fed)).toBeUndefined();
  });

  it.each([
    [
      [1, 3, 2],
      ramp,
      /^shape check failed: output \[1,3,2\] for an input of 3x2, expected \[1,2,3\]/,
    ],
    [[2, 2, 3], new Float32Array(12), /^shape check failed/],
    [[1, 2, 3], Float32Array.from([0, 1, NaN, 3, Infinity, 5]), /^finiteness check failed: 2 of 6/],
    [
      [1, 2, 3],
      new Float32Array(6).fill(0.25),
      /^non-constant check failed: every output value is 0.25/,
    ],
  ])('fails %j with the check it broke', (dims, data, message) => {
    expect(checkDepthOutput(dims, data, fed)).toMatch(message);
  });
});

describe('goldenImage', () => {
  it('is the same smooth colour gradient every time', async () => {
    const [a, b] = await Promise.all([goldenImage(), goldenImage()]);
    expect(a.equals(b)).toBe(true);
    const { data, info } = await sharp(a).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([GOLDEN_SIZE.width, GOLDEN_SIZE.height]);
    const last = data.length - 3;
    expect([...data.subarray(0, 3), ...data.subarray(last)]).toEqual([0, 0, 0, 255, 255, 255]);
  });
});
