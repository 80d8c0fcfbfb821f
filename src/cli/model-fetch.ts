/** npm run model:fetch — downloads and verifies the catalog model into models/ explicitly. */
import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { resolveModel } from '../inference/model/model-resolver';

const logger = new Logger('ModelFetch');
const config = AppConfig.fromEnv(process.env);

resolveModel({ ...config.model, path: undefined, download: true }, () => undefined)
  .then((model) =>
    logger.log(`${model.name} is at ${model.path} (sha256 ${model.sha256}, ${model.source}).`),
  )
  .catch((error: Error) => {
    logger.error(error.message);
    process.exit(1);
  });
