import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths';
import { sleep } from './test-app';

export interface Exit {
  code: number | null;
  signal: string | null;
}

/** The real built server (`node dist/main.js`) in its own process, as `npm start` runs it. */
export class ServerProcess {
  output = '';
  url = '';
  readonly exited: Promise<Exit>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = once(child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as string | null,
    }));
  }

  /** Spawns the server and waits until it listens (and, unless told otherwise, is ready). */
  static async start(env: Record<string, string>, waitReady = true): Promise<ServerProcess> {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        WORKERS: '1',
        UPLOAD_RATE_LIMIT: 'off',
        READ_RATE_LIMIT: 'off',
        DEDUPE: 'off',
        RESULTS_DIR: mkdtempSync(join(tmpdir(), 'depthserve-process-')),
        NO_COLOR: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child);
    for (let i = 0; i < 600; i++) {
      server.url = /listening on (http:\/\/[^\s]+?)\.?\s/.exec(server.output)?.[1] ?? '';
      if (server.url) {
        if (!waitReady) return server;
        const health = await fetch(`${server.url}/healthz`).catch(() => undefined);
        if (health?.status === 200) return server;
      }
      if (child.exitCode !== null) break;
      await sleep(50);
    }
    child.kill('SIGKILL');
    throw new Error(`The server did not become ready:\n${server.output}`);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** How many log lines match. */
  count(pattern: RegExp): number {
    return this.output.split('\n').filter((line) => pattern.test(line)).length;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    this.child.kill(signal);
    return this.exited;
  }

  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}
