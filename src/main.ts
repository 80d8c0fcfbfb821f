import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { APP_OPTIONS } from './app.setup';
import { AppConfig } from './config/app-config';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Bootstrap');
  const app = await NestFactory.create<NestExpressApplication>(AppModule, APP_OPTIONS);
  const config = app.get(AppConfig);
  // Nest's own shutdown hooks re-raise the signal after closing; an orderly
  // stop should exit 0, so the signals are handled here instead.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal} received; finishing running jobs before exit.`);
      app.close().then(
        () => process.exit(0),
        (error: Error) => {
          logger.error(`Shutdown failed: ${error.message}`);
          process.exit(1);
        },
      );
    });
  }
  await app.listen(config.port, config.host);
  logger.log(`depthserve listening on ${await app.getUrl()}.`);
}

bootstrap().catch((error: Error) => {
  // Config errors already list every bad variable; print them plainly and stop.
  console.error(error.message);
  process.exit(1);
});
