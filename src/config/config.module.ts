import { Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';

/**
 * Reads the environment once, at boot. A bad variable stops the process with
 * a message that names every problem, instead of failing later mid-request.
 */
@Global()
@Module({
  providers: [{ provide: AppConfig, useFactory: () => AppConfig.fromEnv(process.env) }],
  exports: [AppConfig],
})
export class ConfigModule {}
