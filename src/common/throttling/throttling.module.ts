import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../../config/app-config';

/** Upload rate limit per client IP; UPLOAD_RATE_LIMIT=off disables it (e.g. for benchmarks). */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: 'upload', ttl: 60_000, limit: config.uploadRateLimit ?? 1 }],
        skipIf: () => config.uploadRateLimit === null,
      }),
    }),
  ],
  exports: [ThrottlerModule],
})
export class ThrottlingModule {}
