import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const TEST_MODELS_DIR = join(ROOT, 'test', '.models');
/** Real photos shipped beside the repository (licences in SOURCES.md). */
export const SHARED_IMAGES = resolve(ROOT, '..', 'shared', 'images');

export const model = (name: 'tiny' | 'slow' | 'red' | 'probe-384' | 'probe-dynamic' | 'constant') =>
  join(TEST_MODELS_DIR, `synthetic-${name}.onnx`);
export const photo = (name: string) => join(SHARED_IMAGES, name);
