import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticModels } from '../src/inference/model/synthetic-models';
import { TEST_MODELS_DIR } from './helpers/paths';

/** Where this run's temp files go; global-teardown.ts removes it. */
export const RUN_TMP_PREFIX = 'depthserve-jest-';

/**
 * Generates the ONNX models the suites need, as npm run model:synthetic does;
 * nothing is downloaded. Every temp directory the suites, their servers and
 * Chromium make lands in one per-run directory (os.tmpdir() follows TMPDIR,
 * and workers and child processes inherit it): a server leaves its result
 * segments for its next start to clear, and the suites start a hundred.
 */
export default function globalSetup(): void {
  writeSyntheticModels(TEST_MODELS_DIR);
  process.env.TMPDIR = mkdtempSync(join(tmpdir(), RUN_TMP_PREFIX));
}
