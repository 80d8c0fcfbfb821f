import { spawn } from 'node:child_process';
import { join } from 'node:path';

const REPORTER = join(__dirname, 'exit-watchdog-reporter.js');

/** A Node process that "completes a run" with the reporter armed, then leaves `leave` open. */
function runWith(
  leave: string,
  globalConfig: Record<string, boolean> = {},
): Promise<{ code: number | null; stderr: string }> {
  const script = `
    const Reporter = require(${JSON.stringify(REPORTER)});
    new Reporter(${JSON.stringify(globalConfig)}, { graceMs: 300 }).onRunComplete();
    ${leave}
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}

describe('ExitWatchdogReporter', () => {
  it('ends a run a listening server holds open, with 1 and the resource named', async () => {
    const { code, stderr } = await runWith(
      `require('node:net').createServer().listen(0, '127.0.0.1');`,
    );
    expect(code).toBe(1);
    expect(stderr).toContain('still held open 300 ms later');
    expect(stderr).toContain('TCPServerWrap');
  });

  it('never holds a run that can end: it exits at once, with 0 and nothing said', async () => {
    // Were its own timer to hold the process, it would fire at 300 ms and exit with 1.
    const { code, stderr } = await runWith(`setTimeout(() => {}, 50);`);
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });

  it('leaves `jest --watch` up after its run', async () => {
    // Still up at 1 s, past the 300 ms grace, it ends itself with its own code.
    const { code, stderr } = await runWith(`setTimeout(() => process.exit(7), 1_000);`, {
      watch: true,
    });
    expect(code).toBe(7);
    expect(stderr).toBe('');
  });
});
