import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureHttpServer } from './app.setup';
import { AppLogger } from './common/logging/app-logger';
import { applySecurity } from './common/security/security.setup';
import { AppConfig } from './config/app-config';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Bootstrap');
  // Buffered until the JSON logger (which needs the config) exists, so even boot lines are JSON.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    ...APP_OPTIONS,
    bufferLogs: true,
  });
  app.useLogger(app.get(AppLogger));
  const config = app.get(AppConfig);
  applySecurity(app, config);
  configureHttpServer(app, config);
  // Nest's own shutdown hooks re-raise the signal after closing; an orderly
  // stop should exit 0, so the signals are handled here instead.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      const started = Date.now();
      logger.log(
        `${signal} received; finishing queued and running jobs (grace ${config.shutdownGraceMs} ms) ` +
          'before exit.',
      );
      app.close().then(
        () => {
          logger.log(`Shut down in ${Date.now() - started} ms; exiting 0.`);
          process.exit(0);
        },
        (error: Error) => {
          logger.error(`Shutdown failed: ${error.message}`);
          process.exit(1);
        },
      );
    });
  }
  await app.listen(config.port, config.host);
  logger.log(`depthserve listening on ${await app.getUrl()} (log level ${config.logLevel}).`);
}

bootstrap().catch((error: Error) => {
  // Config errors already list every bad variable; print them plainly and stop.
  console.error(error.message);
  process.exit(1);
});
