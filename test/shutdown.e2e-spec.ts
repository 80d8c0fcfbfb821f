import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { model, photo, ROOT } from './helpers/paths';
import { sleep } from './helpers/test-app';

/** The real built server in its own process, as `npm start` runs it. */
describe('SIGTERM with jobs in flight', () => {
  let server: ChildProcess;
  let output = '';

  afterEach(() => server?.kill('SIGKILL'));

  async function startServer(): Promise<string> {
    server = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        MODEL_PATH: model('slow'),
        WORKERS: '1',
        RESULTS_DIR: mkdtempSync(join(tmpdir(), 'depthserve-shutdown-')),
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let i = 0; i < 400; i++) {
      const url = /listening on (http:\/\/[^\s]+?)\.?\s/.exec(output)?.[1];
      if (url && (await fetch(`${url}/healthz`).catch(() => undefined))?.status === 200) return url;
      await sleep(50);
    }
    throw new Error(`The server did not become ready:\n${output}`);
  }

  it('finishes the running job, fails the queued ones, and exits 0 instead of aborting', async () => {
    const url = await startServer();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const form = new FormData();
      form.append('file', new Blob([readFileSync(photo('chelsea_cat_small.jpg'))]), 'cat.jpg');
      const res = await fetch(`${url}/api/v1/depth`, { method: 'POST', body: form });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    server.kill('SIGTERM');
    const [code, signal] = (await once(server, 'exit')) as [number | null, string | null];
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(output).not.toContain('terminate called');
    expect(output).toMatch(new RegExp(`Job ${ids[0]} done`));
    expect(output).toMatch(new RegExp(`Job ${ids[2]} failed \\(shutdown\\)`));
  });
});
