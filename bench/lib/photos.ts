import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { ROOT } from './report';

export const SHARED_IMAGES = join(ROOT, '..', 'shared', 'images');

export interface BenchPhoto {
  name: string;
  bytes: Buffer;
  width: number;
  height: number;
  mime: string;
}

/**
 * The fixed mix every benchmark uses: each real photo fitted inside 640x480
 * (the "640x480-class" the targets are stated for), kept in its own format
 * and upright, encoded once with fixed settings so runs are comparable.
 */
export async function photoMix(): Promise<BenchPhoto[]> {
  const names = readdirSync(SHARED_IMAGES)
    .filter((name) => /\.(jpe?g|png)$/i.test(name))
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const png = name.toLowerCase().endsWith('.png');
      const resized = sharp(readFileSync(join(SHARED_IMAGES, name)))
        .autoOrient()
        .resize(640, 480, { fit: 'inside', withoutEnlargement: true });
      const { data, info } = await (png ? resized.png() : resized.jpeg({ quality: 85 })).toBuffer({
        resolveWithObject: true,
      });
      const mime = png ? 'image/png' : 'image/jpeg';
      return { name, bytes: data, width: info.width, height: info.height, mime };
    }),
  );
}
