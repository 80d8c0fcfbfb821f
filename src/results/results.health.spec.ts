import { HealthIndicatorService } from '@nestjs/terminus';
import { mkdirSync, mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { ResultsHealthIndicator } from './results.health';

describe('ResultsHealthIndicator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'depthserve-health-'));
  const indicator = (env: Record<string, string>) =>
    new ResultsHealthIndicator(
      AppConfig.fromEnv({ RESULTS_DIR: dir, ...env }),
      new HealthIndicatorService(),
    );

  it('is up with the real free space of the results filesystem', async () => {
    const result = await indicator({ RESULTS_MIN_FREE_BYTES: '1' }).diskSpace();
    expect(result.results).toMatchObject({ status: 'up', minFreeBytes: 1 });
    expect(result.results.freeBytes).toBeGreaterThan(1);
  });

  it('is down, saying why, when the threshold is more than the disk has', async () => {
    const result = await indicator({ RESULTS_MIN_FREE_BYTES: String(2 ** 50) }).diskSpace();
    expect(result.results).toMatchObject({ status: 'down', minFreeBytes: 2 ** 50 });
    expect(result.results.message).toMatch(
      /^Only [\d.]+ MiB free for results; RESULTS_MIN_FREE_BYTES asks for 1073741824\.0 MiB/,
    );
  });

  it('is down when the directory is missing, without naming its path', async () => {
    const missing = join(dir, 'gone');
    const result = await indicator({ RESULTS_DIR: missing }).diskSpace();
    expect(result.results).toMatchObject({ status: 'down' });
    expect(result.results.message).toContain('(ENOENT)');
    expect(JSON.stringify(result)).not.toContain(missing);
  });

  it('reads the disk at most once a second, so a busy threadpool cannot slow the probe', async () => {
    const own = join(dir, 'cached');
    mkdirSync(own);
    const probe = indicator({ RESULTS_DIR: own, RESULTS_MIN_FREE_BYTES: '1' });
    expect((await probe.diskSpace()).results.status).toBe('up');
    rmdirSync(own);
    // Within the second: the last reading stands.
    expect((await probe.diskSpace()).results.status).toBe('up');
    await new Promise((wake) => setTimeout(wake, 1100));
    expect((await probe.diskSpace()).results.status).toBe('down');
  });
});
