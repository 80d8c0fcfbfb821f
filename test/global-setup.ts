import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildChannelProbeModel,
  buildSyntheticDepthModel,
} from '../src/inference/model/synthetic-models';
import { TEST_MODELS_DIR } from './helpers/paths';

/** Generates the ONNX models the suites need; nothing is downloaded or committed. */
export default function globalSetup(): void {
  mkdirSync(TEST_MODELS_DIR, { recursive: true });
  const models: Record<string, Uint8Array> = {
    'tiny.onnx': buildSyntheticDepthModel(),
    'slow.onnx': buildSyntheticDepthModel({ hidden: 64, layers: 12 }),
    'red.onnx': buildChannelProbeModel([1, 0, 0]),
  };
  for (const [file, bytes] of Object.entries(models))
    writeFileSync(join(TEST_MODELS_DIR, file), bytes);
}
