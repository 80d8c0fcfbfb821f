import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../../config/app-config';

/**
 * Per-IP budgets, one per named throttler: "upload" (UPLOAD_RATE_LIMIT) and
 * "read" (READ_RATE_LIMIT); "off" disables one (e.g. for benchmarks).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        throttlers: [
          { name: 'upload', ttl: 60_000, limit: config.uploadRateLimit ?? 1 },
          { name: 'read', ttl: 60_000, limit: config.readRateLimit ?? 1 },
        ].map((throttler) => ({
          ...throttler,
          skipIf: () =>
            (throttler.name === 'upload' ? config.uploadRateLimit : config.readRateLimit) === null,
        })),
      }),
    }),
  ],
  exports: [ThrottlerModule],
})
export class ThrottlingModule {}
