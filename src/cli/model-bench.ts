/**
 * npm run model:bench: writes the MiDaS small-shaped benchmark models (random weights, the real
 * model's size and cost) into models/. A file that already holds the same bytes is kept.
 */
import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { BENCH_MODELS } from '../inference/model/bench-model';
import { countParameters } from '../inference/model/onnx-graph-builder';

const logger = new Logger('ModelBench');
const dir = AppConfig.fromEnv(process.env).model.dir;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

mkdirSync(dir, { recursive: true });
for (const [file, build] of Object.entries(BENCH_MODELS)) {
  const started = Date.now();
  const bytes = build();
  const digest = sha256(bytes);
  const path = join(dir, file);
  const kept = existsSync(path) && sha256(readFileSync(path)) === digest;
  if (!kept) {
    // Renamed into place, so a benchmark reading the file never sees half of it.
    writeFileSync(`${path}.tmp`, bytes);
    renameSync(`${path}.tmp`, path);
  }
  logger.log(
    `${kept ? 'Kept the identical' : 'Wrote'} ${path}: ${countParameters(bytes)} parameters, ` +
      `${bytes.length} bytes, sha256 ${digest}; generated in ${Date.now() - started} ms.`,
  );
}
logger.log(`Serve one with MODEL_PATH=${join(dir, 'midas-small-bench.onnx')} npm start.`);
