import sharp from 'sharp';

/**
 * The readiness self-check: every loaded model runs once on a built-in,
 * deterministic image before it takes jobs. A file that loads but computes
 * nothing useful (wrong export, zeroed weights, a broken graph) then shows
 * up at start-up instead of as blank heatmaps.
 */
export const GOLDEN_SIZE = { width: 64, height: 48 };

/** A smooth colour gradient (red across, green down, blue diagonal) as a PNG. */
export function goldenImage(): Promise<Buffer> {
  const { width, height } = GOLDEN_SIZE;
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      rgb[i] = Math.round((255 * x) / (width - 1));
      rgb[i + 1] = Math.round((255 * y) / (height - 1));
      rgb[i + 2] = Math.round((255 * (x + y)) / (width + height - 2));
    }
  }
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/**
 * What is wrong with a depth output for an input of fed.width x fed.height,
 * naming the failed check, or undefined when it passes: shape [1,H,W] (or
 * [H,W]) matching the input, every value finite, and not one constant value.
 */
export function checkDepthOutput(
  dims: readonly number[],
  data: Float32Array,
  fed: { width: number; height: number },
): string | undefined {
  const [height, width] = dims.slice(-2);
  const leading = dims.slice(0, -2);
  if (height !== fed.height || width !== fed.width || leading.some((dim) => dim !== 1)) {
    return (
      `shape check failed: output [${dims.join(',')}] for an input of ${fed.width}x${fed.height}, ` +
      `expected [1,${fed.height},${fed.width}]`
    );
  }
  let min = Infinity;
  let max = -Infinity;
  let bad = 0;
  for (const value of data) {
    if (!Number.isFinite(value)) bad += 1;
    else if (value < min) min = value;
    if (Number.isFinite(value) && value > max) max = value;
  }
  if (bad > 0) {
    return `finiteness check failed: ${bad} of ${data.length} output values are NaN or infinite`;
  }
  if (!(max - min > 1e-6 * Math.max(1, Math.abs(max)))) {
    return `non-constant check failed: every output value is ${max} for a colour gradient`;
  }
  return undefined;
}
