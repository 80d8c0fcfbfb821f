import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { AppLogger } from './app-logger';
import { RequestLoggingMiddleware } from './request-logging.middleware';

/** JSON logs (main.ts installs AppLogger as Nest's logger) and per-request ids. */
@Module({
  providers: [AppLogger],
  exports: [AppLogger],
})
export class LoggingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(RequestLoggingMiddleware)
      .forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
