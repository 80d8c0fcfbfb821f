/**
 * npm run model:synthetic — writes generated models with the official I/O
 * contract into models/, for offline demos and tests. No download involved.
 */
import { Logger } from '@nestjs/common';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import {
  buildChannelProbeModel,
  buildSyntheticDepthModel,
} from '../inference/model/synthetic-models';

const logger = new Logger('ModelSynthetic');
const dir = AppConfig.fromEnv(process.env).model.dir;
mkdirSync(dir, { recursive: true });

const models: Record<string, Uint8Array> = {
  // Fast: a 2-layer conv net, for tests and smoke runs.
  'synthetic-tiny.onnx': buildSyntheticDepthModel(),
  // Slow on purpose (hundreds of ms per image): for queue-full and timeout behaviour.
  'synthetic-slow.onnx': buildSyntheticDepthModel({ hidden: 64, layers: 12 }),
  // depth = red channel, so the heatmap is predictable from the input.
  'synthetic-red.onnx': buildChannelProbeModel([1, 0, 0]),
};
for (const [file, bytes] of Object.entries(models)) {
  writeFileSync(join(dir, file), bytes);
  logger.log(`Wrote ${join(dir, file)} (${bytes.length} bytes).`);
}
logger.log(`Serve one with MODEL_PATH=${join(dir, 'synthetic-tiny.onnx')} npm start.`);
