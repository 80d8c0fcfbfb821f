import { performance } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';
import {
  ClientToServerEvents,
  JOBS_NAMESPACE,
  ServerToClientEvents,
  SOCKET_ID_HEADER,
} from '../../src/realtime/realtime.events';
import { HttpConnection, type Reply } from './http-connection';
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
 * server's two cores, so it does as little per request as it can (one
 * keep-alive connection per user, no per-request FormData).
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

const json = <T>(reply: Reply) => JSON.parse(reply.body.toString()) as T;

/**
 * One closed-loop user: uploads, waits for the result the way its mode does,
 * downloads it; or, in sync mode, gets it as the upload's own response.
 */
export class VirtualUser {
  /** Final events by job id; they can arrive before the upload's response does. */
  private readonly finals = new Map<string, boolean>();
  private wake?: () => void;
  /** The user's own keep-alive connection: one request at a time, as a closed loop makes them. */
  private readonly connection: HttpConnection;

  private constructor(
    base: string,
    private readonly mode: Mode,
    private readonly socket?: JobsSocket,
  ) {
    this.connection = new HttpConnection(new URL(base));
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
    this.connection.close();
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
        const result = await this.upload('/api/v1/depth/sync', photo);
        return done(result.status === 200 && result.body.length > 0, String(result.status));
      }
      const headers: Record<string, string> = this.socket?.id
        ? { [SOCKET_ID_HEADER]: this.socket.id }
        : {};
      const upload = await this.upload('/api/v1/depth', photo, headers);
      if (upload.status !== 202) return done(false, String(upload.status));
      const accepted = json<{ id: string; resultUrl: string }>(upload);
      const { id } = accepted;
      if (this.mode === 'inline')
        return (await this.pushed(id)) ? done(true) : done(false, 'failed');
      if (this.mode === 'push') {
        if (!(await this.pushed(id))) return done(false, 'failed');
      } else {
        const status = await this.poll(`/api/v1/depth/${id}`);
        if (status !== 'done') return done(false, status);
      }
      const result = await this.connection.request('GET', accepted.resultUrl);
      return done(result.status === 200 && result.body.length > 0, String(result.status));
    } catch (error) {
      return done(false, (error as Error).name);
    }
  }

  private upload(path: string, photo: BenchPhoto, headers: Record<string, string> = {}) {
    return this.connection.request('POST', path, multipart(photo), {
      'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
      ...headers,
    });
  }

  private async pushed(id: string): Promise<boolean> {
    while (!this.finals.has(id)) await new Promise<void>((wake) => (this.wake = wake));
    const ok = this.finals.get(id)!;
    this.finals.clear();
    return ok;
  }

  private async poll(path: string): Promise<string> {
    for (;;) {
      const response = await this.connection.request('GET', path);
      if (response.status !== 200) return String(response.status);
      const body = json<{ status?: string }>(response);
      if (body.status === 'done' || body.status === 'failed') return body.status;
      await sleep(POLL_INTERVAL_MS);
    }
  }

  private async legacy(photo: BenchPhoto, done: (ok: boolean, s?: string) => Outcome) {
    const upload = await this.upload('/upload', photo);
    if (upload.status !== 200) return done(false, String(upload.status));
    const { request_id: id } = json<{ request_id: string }>(upload);
    for (;;) {
      const response = await this.connection.request('GET', `/result/${id}`);
      if (response.status === 200 && response.body.length > 0) return done(true);
      if (response.status !== 202) return done(false, String(response.status));
      await sleep(POLL_INTERVAL_MS);
    }
  }
}

function byteLength(bytes: Uint8Array | ArrayBuffer | undefined): number {
  return bytes?.byteLength ?? 0;
}
