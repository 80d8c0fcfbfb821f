import { writeSyntheticModels } from '../src/inference/model/synthetic-models';
import { TEST_MODELS_DIR } from './helpers/paths';

/** Generates the ONNX models the suites need, as npm run model:synthetic does; nothing is downloaded. */
export default function globalSetup(): void {
  writeSyntheticModels(TEST_MODELS_DIR);
}
