import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './report';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const SESSION_LOADED = 'loaded and warmed its session';

/**
 * The Node flags `npm run start:prod` (and the Dockerfile) start the service
 * with, from package.json's config, so the bench runs what production runs.
 */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    config?: { node_flags?: string };
  };
  return (pkg.config?.node_flags ?? '').split(' ').filter(Boolean);
}

/** The production build (`npm run start:prod`) in its own process, watched through /proc. */
export class BenchServer {
  url = '';
  log = '';
  /** Sessions created over the server's life, from its log: proof none is made per request. */
  sessionsLoaded = 0;

  private constructor(
    private readonly child: ChildProcess,
    private readonly resultsDir: string,
  ) {}

  static async start(env: Record<string, string>): Promise<BenchServer> {
    const resultsDir = mkdtempSync(join(tmpdir(), 'depthserve-bench-'));
    // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const args = [...productionNodeFlags(), ...nodeArgs, join(ROOT, 'dist', 'main.js')];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        RESULTS_DIR: resultsDir,
        UPLOAD_RATE_LIMIT: 'off',
        READ_RATE_LIMIT: 'off',
        ...env,
        // The bench reads the listening address and each session load from the log, and
        // measures the default level's logging; a caller's LOG_LEVEL=warn would hide both.
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new BenchServer(child, resultsDir);
    // Keep only the start of the log (for the listening line and errors); drain the rest.
    const keep = (chunk: Buffer) => {
      const text = chunk.toString();
      server.sessionsLoaded += text.split(SESSION_LOADED).length - 1;
      if (server.log.length < 200_000) server.log += text;
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    for (let i = 0; i < 1200 && child.exitCode === null; i++) {
      server.url ||= /listening on (http:\/\/[^\s"]+?)\.?["\s]/.exec(server.log)?.[1] ?? '';
      const ready = server.url && (await fetch(`${server.url}/healthz`).catch(() => undefined));
      if (ready && ready.status === 200) return server;
      await new Promise((wake) => setTimeout(wake, 100));
    }
    child.kill('SIGKILL');
    throw new Error(`The server did not become ready:\n${server.log.slice(-4000)}`);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** User plus system CPU seconds the server process has used so far. */
  cpuSeconds(): number {
    const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  }

  /** CPU seconds of the main thread alone (the event loop: HTTP, Socket.IO, the queue). */
  mainThreadCpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.pid}/task/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  }

  rssMiB(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  }

  /** A gauge from /metrics; scraping also resets prom-client's event-loop histogram. */
  async metric(name: string): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ')[1]) : Number.NaN;
  }

  async stop(): Promise<void> {
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
    rmSync(this.resultsDir, { recursive: true, force: true });
  }
}
