import { resolvePointCloudParams, type PointCloudParams } from './point-cloud-params';
import { type DepthGrid, markEdges, sampleDepth } from './point-cloud-grid';

/*
 * A depth map and its photo as a coloured point cloud, in binary PLY.
 *
 * Depth: MiDaS gives relative inverse depth with an unknown scale and shift, so
 * metric depth cannot be recovered. The inverse depth is normalised by its
 * min/max to t in [0, 1] (1 = nearest) and mapped to z = 1 / (1/far + (1 - 1/far)·t):
 * linear in inverse depth, as the model is, with the nearest point at z = 1 and the
 * farthest at z = far. A flat map (max = min) is a plane at z = far, as the
 * heatmap shows it all far.
 *
 * Camera: a pinhole at the origin with square pixels and the principal point at
 * the photo's centre, fx = fy = (W/2) / tan(fov/2). Axes follow OpenGL, MeshLab
 * and three.js: x right, y up, looking down -z, so every point has z <= -1 and
 * the cloud opens upright, seen from where the photo was taken.
 */

export type { PointCloudParams } from './point-cloud-params';
export { sampledPoints } from './point-cloud-grid';

export interface PointCloudInput extends DepthGrid {
  /** The photo's colours, packed RGB, row-major, width·height·3 bytes. */
  rgb: Uint8Array;
}

/** x, y, z as float32 and red, green, blue as uchar. */
const RECORD_BYTES = 15;

function plyHeader(count: number, { fov, step, edge, far }: PointCloudParams): string {
  return [
    'ply',
    'format binary_little_endian 1.0',
    'comment depthserve point cloud from MiDaS relative inverse depth',
    `comment fov=${fov} step=${step} edge=${edge} far=${far}`,
    'comment camera at the origin looking down -z, y up; nearest z=-1, farthest z=-far',
    `element vertex ${count}`,
    'property float x',
    'property float y',
    'property float z',
    'property uchar red',
    'property uchar green',
    'property uchar blue',
    'end_header',
    '',
  ].join('\n');
}

/**
 * Back-projects every step-th pixel through the pinhole, drops points at depth
 * discontinuities and writes binary little-endian PLY, allocated once at its
 * exact size. Params are validated (see resolvePointCloudParams).
 */
export function buildPointCloudPly(
  input: PointCloudInput,
  params: Partial<PointCloudParams> = {},
): Buffer {
  const resolved = resolvePointCloudParams(params);
  const { fov, step, edge, far } = resolved;
  const { width, height, rgb, depth } = input;
  if (depth.length !== width * height || rgb.length !== width * height * 3) {
    throw new Error(
      `Point cloud input does not match ${width}×${height}: ${depth.length} depth values, ` +
        `${rgb.length} colour bytes.`,
    );
  }
  const cols = Math.ceil(width / step);
  const rows = Math.ceil(height / step);
  const z = sampleDepth(input, step, far);
  const dropped = markEdges(z, cols, rows, edge);
  let count = 0;
  for (let i = 0; i < dropped.length; i++) count += dropped[i] ^ 1;

  const header = plyHeader(count, resolved);
  const out = Buffer.allocUnsafe(header.length + count * RECORD_BYTES);
  const offset = out.write(header, 'latin1');
  writeRecords(new Uint8Array(out.buffer, out.byteOffset + offset, count * RECORD_BYTES), {
    ...input,
    z,
    dropped,
    step,
    fov,
  });
  return out;
}

/**
 * The body: one record per kept point, in row-major order. A plain Uint8Array
 * over the Buffer's bytes, since indexed stores into a Buffer are several times slower.
 */
function writeRecords(
  body: Uint8Array,
  p: PointCloudInput & { z: Float32Array; dropped: Uint8Array; step: number; fov: number },
): void {
  const { width, height, rgb, z, dropped, step } = p;
  const view = new DataView(body.buffer, body.byteOffset, body.length);
  const cols = Math.ceil(width / step);
  const rows = Math.ceil(height / step);
  // Per-column and per-row ray slopes; y flips because image rows go down.
  const f = width / 2 / Math.tan((p.fov * Math.PI) / 360);
  const slopeX = new Float32Array(cols);
  for (let gx = 0; gx < cols; gx++) slopeX[gx] = (gx * step + 0.5 - width / 2) / f;
  let offset = 0;
  for (let gy = 0, i = 0; gy < rows; gy++) {
    const v = gy * step;
    const slopeY = (height / 2 - v - 0.5) / f;
    for (let gx = 0; gx < cols; gx++, i++) {
      if (dropped[i]) continue;
      const d = z[i];
      view.setFloat32(offset, slopeX[gx] * d, true);
      view.setFloat32(offset + 4, slopeY * d, true);
      view.setFloat32(offset + 8, -d, true);
      const c = (v * width + gx * step) * 3;
      body[offset + 12] = rgb[c];
      body[offset + 13] = rgb[c + 1];
      body[offset + 14] = rgb[c + 2];
      offset += RECORD_BYTES;
    }
  }
}
