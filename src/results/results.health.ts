import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { statfs } from 'node:fs/promises';
import { AppConfig } from '../config/app-config';

const MIB = 1024 * 1024;
/**
 * Free space is read at most this often. statfs runs on libuv's threadpool,
 * which under load is busy decoding and writing; probes answer from memory.
 */
const REFRESH_MS = 1000;

@Injectable()
export class ResultsHealthIndicator {
  constructor(
    private readonly config: AppConfig,
    private readonly health: HealthIndicatorService,
  ) {}

  private last?: { at: number; freeBytes: Promise<number> };

  /** Down when results could not be written: too little free space, or no readable directory. */
  async diskSpace(): Promise<HealthIndicatorResult> {
    const check = this.health.check('results');
    const minFreeBytes = this.config.resultsMinFreeBytes;
    let freeBytes: number;
    try {
      freeBytes = await this.freeBytes();
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

  private freeBytes(now = Date.now()): Promise<number> {
    if (!this.last || now - this.last.at >= REFRESH_MS) {
      // bavail, not bfree: blocks reserved for root are no use to an unprivileged service.
      const read = statfs(this.config.resultsDir).then((s) => s.bavail * s.bsize);
      this.last = { at: now, freeBytes: read };
      // A failed read is reported once, then retried by the next probe.
      read.catch(() => {
        if (this.last?.freeBytes === read) this.last = undefined;
      });
    }
    return this.last.freeBytes;
  }
}

function mib(bytes: number): string {
  return (bytes / MIB).toFixed(1);
}
