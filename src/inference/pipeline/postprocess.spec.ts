import sharp from 'sharp';
import { INFERNO } from './colormap';
import { depthRange, renderHeatmap, toLevels } from './postprocess';

describe('depth post-processing', () => {
  it('min-max normalises to 16-bit levels, and maps a flat depth map to zeros', () => {
    const depth = new Float32Array([2, 4, 6, 3]);
    const range = depthRange(depth);
    expect(range).toEqual({ min: 2, max: 6 });
    expect(Array.from(toLevels(depth, range))).toEqual([0, 32768, 65535, 16384]);
    expect(Array.from(toLevels(new Float32Array([5, 5]), { min: 5, max: 5 }))).toEqual([0, 0]);
  });

  it('refuses non-finite model output', () => {
    expect(() => depthRange(new Float32Array([1, NaN, Infinity]))).toThrow(/non-finite/);
  });

  it('upsamples bicubically to the photo size and keeps near/far where they were', async () => {
    // 2x2 depth: left column near, right column far.
    const levels = new Uint16Array([65535, 0, 65535, 0]);
    const size = { depthWidth: 2, depthHeight: 2, width: 300, height: 100 };
    const png = await renderHeatmap(levels, size, INFERNO, 'png');
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([300, 100, 3]);
    const at = (x: number) => Array.from(data.subarray((50 * 300 + x) * 3, (50 * 300 + x) * 3 + 3));
    expect(at(0)).toEqual([252, 255, 164]);
    expect(at(299)).toEqual([0, 0, 4]);
    // Smooth in between: the middle is neither end of the colormap.
    expect(at(150)).not.toEqual(at(0));
    expect(at(150)).not.toEqual(at(299));
  });

  it('encodes JPEG when asked', async () => {
    const jpeg = await renderHeatmap(
      new Uint16Array(4),
      { depthWidth: 2, depthHeight: 2, width: 8, height: 8 },
      INFERNO,
      'jpeg',
    );
    expect((await sharp(jpeg).metadata()).format).toBe('jpeg');
  });
});
