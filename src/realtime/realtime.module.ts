import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { ResultsModule } from '../results/results.module';
import { JobSubscriptions } from './job-subscriptions';
import { RealtimeGateway } from './realtime.gateway';

/** Socket.IO push of job events on the app's own HTTP server. */
@Module({
  imports: [JobsModule, ResultsModule],
  providers: [RealtimeGateway, JobSubscriptions],
})
export class RealtimeModule {}
