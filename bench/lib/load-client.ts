import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';
import {
  ClientToServerEvents,
  JOBS_NAMESPACE,
  ServerToClientEvents,
  SOCKET_ID_HEADER,
} from '../../src/realtime/realtime.events';
import type { BenchPhoto } from './photos';

/** push downloads the result after its event; inline gets it in the event (auth.inline). */
export type Mode = 'push' | 'inline' | 'sync' | 'poll' | 'legacy';
type JobsSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How often a polling client asks; the web client's fallback asks once a second. */
export const POLL_INTERVAL_MS = 100;

export interface Outcome {
  ok: boolean;
  /** HTTP status of the step that failed, or 'failed' when the job itself failed. */
  status?: string;
  ms: number;
}

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

const BOUNDARY = 'depthserve-bench-boundary';
const bodies = new WeakMap<BenchPhoto, Buffer>();

/**
 * Each photo's multipart body, built once: the load generator shares the
 * server's two cores, so it does as little per request as it can (plain
 * node:http, keep-alive, no per-request FormData).
 */
function multipart(photo: BenchPhoto): Buffer {
  let body = bodies.get(photo);
  if (!body) {
    const head =
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${photo.name}"\r\n` +
      `Content-Type: ${photo.mime}\r\n\r\n`;
    body = Buffer.concat([Buffer.from(head), photo.bytes, Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]);
    bodies.set(photo, body);
  }
  return body;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

interface Reply {
  status: number;
  body: Buffer;
}

function http(url: string, upload?: { body: Buffer; headers?: Record<string, string> }) {
  return new Promise<Reply>((resolve, reject) => {
    const headers = upload
      ? {
          'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
          'content-length': String(upload.body.length),
          ...upload.headers,
        }
      : {};
    const req = request(url, { agent, method: upload ? 'POST' : 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(upload?.body);
  });
}

const json = <T>(reply: Reply) => JSON.parse(reply.body.toString()) as T;

/**
 * One closed-loop user: uploads, waits for the result the way its mode does,
 * downloads it; or, in sync mode, gets it as the upload's own response.
 */
export class VirtualUser {
  /** Final events by job id; they can arrive before the upload's response does. */
  private readonly finals = new Map<string, boolean>();
  private wake?: () => void;

  private constructor(
    private readonly base: string,
    private readonly mode: Mode,
    private readonly socket?: JobsSocket,
  ) {
    const final = (id: string, ok: boolean) => {
      this.finals.set(id, ok);
      this.wake?.();
    };
    // An inline user's result is the event's own heatmap; a push user's is downloaded after.
    socket?.on('job.completed', ({ id, heatmap }) =>
      final(id, mode !== 'inline' || byteLength(heatmap?.bytes) > 0),
    );
    socket?.on('job.failed', ({ id }) => final(id, false));
  }

  static async create(base: string, mode: Mode): Promise<VirtualUser> {
    if (mode !== 'push' && mode !== 'inline') return new VirtualUser(base, mode);
    const socket: JobsSocket = io(`${base}${JOBS_NAMESPACE}`, {
      transports: ['websocket'],
      forceNew: true,
      auth: mode === 'inline' ? { inline: 'heatmap' } : {},
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return new VirtualUser(base, mode, socket);
  }

  close(): void {
    this.socket?.close();
  }

  async once(photo: BenchPhoto): Promise<Outcome> {
    const started = performance.now();
    const done = (ok: boolean, status?: string): Outcome => ({
      ok,
      status,
      ms: performance.now() - started,
    });
    try {
      if (this.mode === 'legacy') return await this.legacy(photo, done);
      if (this.mode === 'sync') {
        // One request: the upload's response is the heatmap itself.
        const result = await http(`${this.base}/api/v1/depth/sync`, { body: multipart(photo) });
        return done(result.status === 200 && result.body.length > 0, String(result.status));
      }
      const headers: Record<string, string> = this.socket?.id
        ? { [SOCKET_ID_HEADER]: this.socket.id }
        : {};
      const upload = await http(`${this.base}/api/v1/depth`, { body: multipart(photo), headers });
      if (upload.status !== 202) return done(false, String(upload.status));
      const accepted = json<{ id: string; resultUrl: string }>(upload);
      const { id } = accepted;
      if (this.mode === 'inline')
        return (await this.pushed(id)) ? done(true) : done(false, 'failed');
      if (this.mode === 'push') {
        if (!(await this.pushed(id))) return done(false, 'failed');
      } else {
        const status = await this.poll(`${this.base}/api/v1/depth/${id}`);
        if (status !== 'done') return done(false, status);
      }
      const result = await http(`${this.base}${accepted.resultUrl}`);
      return done(result.status === 200 && result.body.length > 0, String(result.status));
    } catch (error) {
      return done(false, (error as Error).name);
    }
  }

  private async pushed(id: string): Promise<boolean> {
    while (!this.finals.has(id)) await new Promise<void>((wake) => (this.wake = wake));
    const ok = this.finals.get(id)!;
    this.finals.clear();
    return ok;
  }

  private async poll(url: string): Promise<string> {
    for (;;) {
      const response = await http(url);
      if (response.status !== 200) return String(response.status);
      const body = json<{ status?: string }>(response);
      if (body.status === 'done' || body.status === 'failed') return body.status;
      await sleep(POLL_INTERVAL_MS);
    }
  }

  private async legacy(photo: BenchPhoto, done: (ok: boolean, s?: string) => Outcome) {
    const upload = await http(`${this.base}/upload`, { body: multipart(photo) });
    if (upload.status !== 200) return done(false, String(upload.status));
    const { request_id: id } = json<{ request_id: string }>(upload);
    for (;;) {
      const response = await http(`${this.base}/result/${id}`);
      if (response.status === 200 && response.body.length > 0) return done(true);
      if (response.status !== 202) return done(false, String(response.status));
      await sleep(POLL_INTERVAL_MS);
    }
  }
}

function byteLength(bytes: Uint8Array | ArrayBuffer | undefined): number {
  return bytes?.byteLength ?? 0;
}
