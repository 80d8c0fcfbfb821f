import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ServeStaticModule } from '@nestjs/serve-static';
import { DomainExceptionFilter } from './common/filters/domain-exception.filter';
import { LoggingModule } from './common/logging/logging.module';
import { ThrottlingModule } from './common/throttling/throttling.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { LegacyModule } from './legacy/legacy.module';
import { MetricsModule } from './metrics/metrics.module';
import { ModelsModule } from './models/models.module';
import { RealtimeModule } from './realtime/realtime.module';
import { UploadModule } from './upload/upload.module';

@Module({
  imports: [
    ConfigModule,
    LoggingModule,
    ScheduleModule.forRoot(),
    ThrottlingModule,
    ServeStaticModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => [
        {
          rootPath: config.clientDir,
          // The page has no client-side routes: anything but its files is a JSON 404.
          renderPath: '/',
          exclude: [
            '/api/{*path}',
            '/healthz',
            '/livez',
            '/upload',
            '/result/{*path}',
            '/socket.io/{*path}',
          ],
        },
      ],
    }),
    UploadModule,
    JobsModule,
    LegacyModule,
    RealtimeModule,
    HealthModule,
    MetricsModule,
    ModelsModule,
  ],
  providers: [{ provide: APP_FILTER, useClass: DomainExceptionFilter }],
})
export class AppModule {}
