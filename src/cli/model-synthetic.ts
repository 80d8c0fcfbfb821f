/**
 * npm run model:synthetic: writes generated models with the official I/O
 * contract into models/, for offline demos and tests. No download involved.
 */
import { Logger } from '@nestjs/common';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { writeSyntheticModels } from '../inference/model/synthetic-models';

const logger = new Logger('ModelSynthetic');
const dir = AppConfig.fromEnv(process.env).model.dir;
for (const path of writeSyntheticModels(dir)) {
  logger.log(`Wrote ${path} (${statSync(path).size} bytes).`);
}
logger.log(`Serve one with MODEL_PATH=${join(dir, 'synthetic-tiny.onnx')} npm start.`);
