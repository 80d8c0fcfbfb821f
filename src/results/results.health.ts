import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { statfs } from 'node:fs/promises';
import { AppConfig } from '../config/app-config';

const MIB = 1024 * 1024;

@Injectable()
export class ResultsHealthIndicator {
  constructor(
    private readonly config: AppConfig,
    private readonly health: HealthIndicatorService,
  ) {}

  /** Down when results could not be written: too little free space, or no readable directory. */
  async diskSpace(): Promise<HealthIndicatorResult> {
    const check = this.health.check('results');
    const minFreeBytes = this.config.resultsMinFreeBytes;
    let freeBytes: number;
    try {
      const stats = await statfs(this.config.resultsDir);
      // bavail, not bfree: blocks reserved for root are no use to an unprivileged service.
      freeBytes = stats.bavail * stats.bsize;
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return check.down({
        minFreeBytes,
        message: `The free space of the results directory cannot be read (${reason}).`,
      });
    }
    const data = { freeBytes, minFreeBytes };
    if (freeBytes >= minFreeBytes) return check.up(data);
    return check.down({
      ...data,
      message:
        `Only ${mib(freeBytes)} MiB free for results; RESULTS_MIN_FREE_BYTES asks for ` +
        `${mib(minFreeBytes)} MiB. Free some space, or lower the threshold.`,
    });
  }
}

function mib(bytes: number): string {
  return (bytes / MIB).toFixed(1);
}
