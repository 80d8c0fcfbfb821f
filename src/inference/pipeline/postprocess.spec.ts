import sharp from 'sharp';
import { INFERNO } from './colormap';
import { depthRange, renderHeatmap } from './postprocess';

describe('depth post-processing', () => {
  it('finds the depth range', () => {
    expect(depthRange(new Float32Array([2, 4, 6, 3]))).toEqual({ min: 2, max: 6 });
  });

  it('refuses non-finite model output', () => {
    expect(() => depthRange(new Float32Array([1, NaN, Infinity]))).toThrow(/non-finite/);
  });

  it('upsamples bicubically to the photo size and keeps near/far where they were', async () => {
    // 2x2 depth: left column near, right column far.
    const depth = new Float32Array([1, 0, 1, 0]);
    const size = { depthWidth: 2, depthHeight: 2, width: 300, height: 100 };
    const { bytes: png } = await renderHeatmap(depth, size, INFERNO, 'png');
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([300, 100, 3]);
    const at = (x: number) => Array.from(data.subarray((50 * 300 + x) * 3, (50 * 300 + x) * 3 + 3));
    expect(at(0)).toEqual([252, 255, 164]);
    expect(at(299)).toEqual([0, 0, 4]);
    // Smooth in between: the middle is neither end of the colormap.
    expect(at(150)).not.toEqual(at(0));
    expect(at(150)).not.toEqual(at(299));
  });

  it('gives the same pixels as PNG and, within JPEG loss, as JPEG', async () => {
    // A smooth depth map, as real ones are: a diagonal ramp.
    const depth = new Float32Array(64 * 48).map((_, i) => (i % 64) / 64 + Math.floor(i / 64) / 48);
    const size = { depthWidth: 64, depthHeight: 48, width: 200, height: 150 };
    const render = (format: 'png' | 'jpeg') =>
      renderHeatmap(depth, size, INFERNO, format).then(({ bytes }) =>
        sharp(bytes).raw().toBuffer({ resolveWithObject: true }),
      );
    const [png, jpeg] = await Promise.all([render('png'), render('jpeg')]);
    expect(jpeg.info.format).toBe('raw');
    expect([jpeg.info.width, jpeg.info.height]).toEqual([200, 150]);
    let error = 0;
    for (let i = 0; i < png.data.length; i++) error += Math.abs(png.data[i] - jpeg.data[i]);
    expect(error / png.data.length).toBeLessThan(4);
  });
});
