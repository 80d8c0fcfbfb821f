import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { ResultsStore } from './results.store';

@Injectable()
export class ResultsCleanupService {
  private readonly logger = new Logger(ResultsCleanupService.name);

  constructor(private readonly store: ResultsStore) {}

  @Cron(CronExpression.EVERY_MINUTE, { name: 'results-cleanup' })
  async sweep(): Promise<number> {
    const started = Date.now();
    const removed = await this.store.sweep();
    if (removed > 0) {
      this.logger.log(`Expired ${removed} results in ${Date.now() - started} ms.`);
    }
    return removed;
  }
}
