import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { RUN_TMP_PREFIX } from './global-setup';

/** Removes the run's temp directory that global-setup.ts made, and everything in it. */
export default function globalTeardown(): void {
  const dir = process.env.TMPDIR;
  if (dir && basename(dir).startsWith(RUN_TMP_PREFIX))
    rmSync(dir, { recursive: true, force: true });
}
