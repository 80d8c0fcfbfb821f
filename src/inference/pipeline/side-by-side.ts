import sharp from 'sharp';

interface Size {
  width: number;
  height: number;
}

/**
 * The uploaded photo as packed RGB, upright as the model saw it (EXIF
 * orientation applied, alpha flattened on white), at the given size.
 */
export async function decodeUpright(
  original: Uint8Array,
  size: Size,
  maxInputPixels: number,
): Promise<Uint8Array> {
  const { data } = await sharp(original, { limitInputPixels: maxInputPixels, pages: 1 })
    .autoOrient()
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .resize(size.width, size.height, { fit: 'fill' })
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return data;
}

/** Two packed RGB images of the same size, left and right: 2W x H. */
export function joinSideBySide(left: Uint8Array, right: Uint8Array, size: Size): Uint8Array {
  const row = size.width * 3;
  const out = new Uint8Array(row * 2 * size.height);
  for (let y = 0; y < size.height; y++) {
    out.set(left.subarray(y * row, (y + 1) * row), y * row * 2);
    out.set(right.subarray(y * row, (y + 1) * row), y * row * 2 + row);
  }
  return out;
}
