import sharp from 'sharp';
import { parsePlyHeader, readPlyVertices } from '../../../test/helpers/ply';
import { photo } from '../../../test/helpers/paths';
import { PointCloudParamsError } from '../errors/point-cloud-params.error';
import { buildPointCloudPly, sampledPoints, type PointCloudInput } from './point-cloud';
import {
  POINT_CLOUD_DEFAULTS,
  POINT_CLOUD_RANGES,
  resolvePointCloudParams,
  type PointCloudParams,
} from './point-cloud-params';

/** Depth from a function of the pixel, with colours that name their pixel. */
function scene(
  width: number,
  height: number,
  inverseDepth: (x: number, y: number) => number,
): PointCloudInput {
  const depth = new Float32Array(width * height);
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      depth[i] = inverseDepth(x, y);
      rgb.set([x & 255, y & 255, (x * 7 + y * 13) & 255], i * 3);
    }
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of depth) [min, max] = [Math.min(min, v), Math.max(max, v)];
  return { depth, rgb, width, height, range: { min, max } };
}

/** A gentle tilt: near at the bottom, far at the top, no discontinuity. */
const smooth = (width: number, height: number) => scene(width, height, (x, y) => 5 + y + x * 0.1);

/** The pixel a point came from, found by projecting it back through the same pinhole. */
function pixelOf(
  point: { x: number; y: number; z: number },
  width: number,
  height: number,
  fov: number,
) {
  const f = width / 2 / Math.tan((fov * Math.PI) / 360);
  return {
    u: (point.x / -point.z) * f + width / 2 - 0.5,
    v: height / 2 - 0.5 - (point.y / -point.z) * f,
  };
}

const points = (ply: Buffer) => {
  const { header, columns } = readPlyVertices(ply);
  return Array.from({ length: header.vertexCount }, (_, i) => ({
    x: columns.x[i],
    y: columns.y[i],
    z: columns.z[i],
    rgb: [columns.red[i], columns.green[i], columns.blue[i]],
  }));
};

describe('buildPointCloudPly', () => {
  it('writes a binary little-endian PLY header that names its parameters', () => {
    const ply = buildPointCloudPly(smooth(8, 6), { fov: 70, step: 1, edge: 25, far: 20 });
    const header = parsePlyHeader(ply);
    expect(header.format).toBe('binary_little_endian 1.0');
    expect(header.properties).toEqual([
      { type: 'float', name: 'x' },
      { type: 'float', name: 'y' },
      { type: 'float', name: 'z' },
      { type: 'uchar', name: 'red' },
      { type: 'uchar', name: 'green' },
      { type: 'uchar', name: 'blue' },
    ]);
    expect(header.comments).toContain('fov=70 step=1 edge=25 far=20');
    expect(header.vertexCount).toBe(48);
    expect(ply.length).toBe(header.headerLength + 48 * 15);
  });

  // A smooth surface still changes depth between samples: far = 2 keeps that change under the
  // default edge on small images; the photo-sized case runs with every default.
  it.each([
    [37, 23, 1, 2],
    [37, 23, 2, 2],
    [370, 230, 5, 2],
    [64, 48, 4, 2],
    [5, 3, 64, 2],
    [640, 480, POINT_CLOUD_DEFAULTS.step, POINT_CLOUD_DEFAULTS.far],
  ])('keeps every sampled pixel of a smooth %i×%i depth at step %i', (width, height, step, far) => {
    const ply = buildPointCloudPly(smooth(width, height), { step, far });
    const expected = Math.ceil(width / step) * Math.ceil(height / step);
    expect(sampledPoints(width, height, step)).toBe(expected);
    expect(readPlyVertices(ply).header.vertexCount).toBe(expected);
  });

  describe('at a depth discontinuity', () => {
    // Foreground (inverse depth 10) left of x = 20, background (1) from there on.
    const width = 40;
    const height = 30;
    const input = scene(width, height, (x) => (x < 20 ? 10 : 1));

    it.each([
      [1, [19, 20]],
      [3, [18, 21]],
      [4, [16, 20]],
    ])('drops exactly the sampled columns either side of it at step %i', (step, boundary) => {
      const kept = points(buildPointCloudPly(input, { step, edge: 0.1 }));
      const columns = Math.ceil(width / step);
      const rows = Math.ceil(height / step);
      expect(kept).toHaveLength((columns - 2) * rows);
      const us = new Set(kept.map((p) => Math.round(pixelOf(p, width, height, 60).u)));
      for (const u of boundary) expect(us.has(u)).toBe(false);
      expect(us.size).toBe(columns - 2);
    });

    it('leaves no point between foreground and background', () => {
      const kept = points(buildPointCloudPly(input, { step: 1, edge: 0.1 }));
      const depths = new Set(kept.map((p) => Number((-p.z).toFixed(4))));
      expect([...depths].sort((a, b) => a - b)).toEqual([1, 10]);
    });

    it('keeps every point when the threshold is looser than the jump', () => {
      // The jump is from z = 1 to z = far = 10, i.e. 9 times the nearer depth.
      for (const edge of [9.01, 1000]) {
        const ply = buildPointCloudPly(input, { step: 1, edge });
        expect(parsePlyHeader(ply).vertexCount).toBe(width * height);
      }
      expect(parsePlyHeader(buildPointCloudPly(input, { edge: 8.99 })).vertexCount).toBeLessThan(
        sampledPoints(width, height, POINT_CLOUD_DEFAULTS.step),
      );
    });
  });

  it("gives each point its own pixel's colour from a real photo", async () => {
    const { data, info } = await sharp(photo('chelsea_cat_small.jpg'))
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { width, height } = info;
    const depth = new Float32Array(width * height).map((_, i) => Math.sin(i / 5000) + 2);
    const rgb = new Uint8Array(data);
    const input = { depth, rgb, width, height, range: { min: 1, max: 3 } };
    const kept = points(buildPointCloudPly(input, { step: 3, fov: 50, edge: 1000 }));
    expect(kept).toHaveLength(sampledPoints(width, height, 3));
    // Collected rather than asserted per point: tens of thousands of expects are slow.
    const wrong = kept.filter((point) => {
      const { u, v } = pixelOf(point, width, height, 50);
      const [x, y] = [Math.round(u), Math.round(v)];
      const p = (y * width + x) * 3;
      return (
        Math.abs(u - x) > 1e-2 ||
        Math.abs(v - y) > 1e-2 ||
        x % 3 !== 0 ||
        y % 3 !== 0 ||
        point.rgb.join() !== [rgb[p], rgb[p + 1], rgb[p + 2]].join()
      );
    });
    expect(wrong).toEqual([]);
    // Not a trivially uniform picture: the check above could not pass by accident.
    expect(new Set(kept.map((point) => point.rgb.join())).size).toBeGreaterThan(1000);
  });

  it('widens x and y as tan(fov/2) predicts, upright and looking down -z', () => {
    const width = 60;
    const height = 40;
    const flat = scene(width, height, () => 1);
    for (const fov of [30, 60, 90, 150]) {
      const kept = points(buildPointCloudPly(flat, { fov, step: 1 }));
      const tan = Math.tan((fov * Math.PI) / 360);
      // Pixel centres: the outermost is half a pixel inside the frame.
      const xs = kept.map((p) => p.x / -p.z);
      const ys = kept.map((p) => p.y / -p.z);
      expect(Math.max(...xs)).toBeCloseTo((tan * (width - 1)) / width, 5);
      expect(Math.min(...xs)).toBeCloseTo((-tan * (width - 1)) / width, 5);
      expect(Math.max(...ys)).toBeCloseTo((tan * (height - 1)) / width, 5);
      // The first point is the top-left pixel: left (x < 0) and up (y > 0), in front (z < 0).
      expect(kept[0].x).toBeLessThan(0);
      expect(kept[0].y).toBeGreaterThan(0);
      expect(kept[0].z).toBeLessThan(0);
    }
  });

  it('puts the nearest pixel at z = -1 and the farthest at z = -far', () => {
    const width = 30;
    const height = 20;
    const input = scene(width, height, (x, y) => (x === 7 && y === 5 ? 3 : 2 + (x + y) / 1000));
    input.depth[12 * width + 25] = 1.5;
    input.range = { min: 1.5, max: 3 };
    const kept = points(buildPointCloudPly(input, { step: 1, edge: 1000, far: 8 }));
    const nearest = kept.reduce((a, b) => (a.z > b.z ? a : b));
    const farthest = kept.reduce((a, b) => (a.z < b.z ? a : b));
    expect(nearest.z).toBeCloseTo(-1, 6);
    expect(nearest.rgb).toEqual([7, 5, (7 * 7 + 5 * 13) & 255]);
    expect(farthest.z).toBeCloseTo(-8, 5);
    expect(farthest.rgb).toEqual([25, 12, (25 * 7 + 12 * 13) & 255]);
    for (const p of kept) expect(-p.z).toBeGreaterThanOrEqual(1 - 1e-6);
  });

  it('takes 16-bit levels as well as floats, and puts a flat map at z = -far', () => {
    const input = smooth(16, 12);
    const { min, max } = input.range;
    const levels = new Uint16Array(input.depth.map((v) => ((v - min) / (max - min)) * 65535));
    const fromFloats = points(buildPointCloudPly(input, { step: 1 }));
    const fromLevels = points(
      buildPointCloudPly({ ...input, depth: levels, range: { min: 0, max: 65535 } }, { step: 1 }),
    );
    fromLevels.forEach((p, i) => expect(p.z).toBeCloseTo(fromFloats[i].z, 3));
    const flat = points(buildPointCloudPly({ ...input, range: { min: 2, max: 2 } }, { far: 5 }));
    for (const p of flat) expect(p.z).toBeCloseTo(-5, 5);
  });

  it('refuses input whose arrays do not match its size', () => {
    const input = smooth(8, 6);
    expect(() => buildPointCloudPly({ ...input, width: 9 })).toThrow(/does not match 9×6/);
    expect(() => buildPointCloudPly({ ...input, rgb: input.rgb.subarray(3) })).toThrow(
      /141 colour bytes/,
    );
  });
});

describe('resolvePointCloudParams', () => {
  it('fills in the defaults and reads query-string numbers', () => {
    expect(resolvePointCloudParams()).toEqual(POINT_CLOUD_DEFAULTS);
    expect(resolvePointCloudParams({ fov: '45.5', step: '3', edge: '', far: 1e2 })).toEqual({
      fov: 45.5,
      step: 3,
      edge: POINT_CLOUD_DEFAULTS.edge,
      far: 100,
    });
    // The defaults are inside their own ranges, and every range is described.
    expect(resolvePointCloudParams(POINT_CLOUD_DEFAULTS)).toEqual(POINT_CLOUD_DEFAULTS);
    expect(Object.keys(POINT_CLOUD_RANGES).sort()).toEqual(
      Object.keys(POINT_CLOUD_DEFAULTS).sort(),
    );
  });

  it.each([
    ['fov', 0, /fov must be a number in \(0, 180\); got 0\./],
    ['fov', 180, /fov must be a number in \(0, 180\)/],
    ['fov', 'wide', /got wide/],
    ['fov', ' 60', /fov must be/],
    ['step', 0, /step must be an integer in \[1, 64\]; got 0\./],
    ['step', '1.5', /step must be an integer/],
    ['step', 65, /step must be/],
    ['edge', -0.1, /edge must be a number in \[0, 1000\]/],
    ['edge', NaN, /edge must be/],
    ['far', 1, /far must be a number in \(1, 1000\]/],
    ['far', '1e4', /far must be/],
  ])('refuses %s = %p with a message naming the range', (name, value, message) => {
    const params = { [name]: value } as Partial<PointCloudParams>;
    const attempt = () => resolvePointCloudParams(params);
    expect(attempt).toThrow(PointCloudParamsError);
    expect(attempt).toThrow(message);
    expect(() => buildPointCloudPly(smooth(4, 4), params)).toThrow(message);
  });
});
