/** npm run model:fetch — downloads and verifies every model MODELS loads into models/ explicitly. */
import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { resolveModel } from '../inference/model/model-resolver';

const logger = new Logger('ModelFetch');
const config = AppConfig.fromEnv(process.env);

async function fetchAll(): Promise<void> {
  // One at a time: each download already streams as fast as the link allows.
  for (const entry of config.models) {
    const model = await resolveModel(
      { ...entry, path: undefined, download: true },
      () => undefined,
    );
    logger.log(`${model.name} is at ${model.path} (sha256 ${model.sha256}, ${model.source}).`);
  }
}

fetchAll().catch((error: Error) => {
  logger.error(error.message);
  process.exit(1);
});
