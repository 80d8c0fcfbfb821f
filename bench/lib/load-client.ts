import { performance } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';
import {
  ClientToServerEvents,
  JOBS_NAMESPACE,
  ServerToClientEvents,
  SOCKET_ID_HEADER,
} from '../../src/realtime/realtime.events';
import type { BenchPhoto } from './photos';

export type Mode = 'push' | 'poll' | 'legacy';
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

function form(photo: BenchPhoto): FormData {
  const body = new FormData();
  body.append('file', new Blob([photo.bytes], { type: photo.mime }), photo.name);
  return body;
}

/** One closed-loop user: uploads, waits for the result the way its mode does, downloads it. */
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
    socket?.on('job.completed', ({ id }) => final(id, true));
    socket?.on('job.failed', ({ id }) => final(id, false));
  }

  static async create(base: string, mode: Mode): Promise<VirtualUser> {
    if (mode !== 'push') return new VirtualUser(base, mode);
    const socket: JobsSocket = io(`${base}${JOBS_NAMESPACE}`, {
      transports: ['websocket'],
      forceNew: true,
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
      const headers: Record<string, string> = this.socket?.id
        ? { [SOCKET_ID_HEADER]: this.socket.id }
        : {};
      const upload = await fetch(`${this.base}/api/v1/depth`, {
        method: 'POST',
        body: form(photo),
        headers,
      });
      const accepted = (await upload.json()) as { id: string; resultUrl: string };
      if (upload.status !== 202) return done(false, String(upload.status));
      const { id } = accepted;
      if (this.mode === 'push') {
        if (!(await this.pushed(id))) return done(false, 'failed');
      } else {
        const status = await this.poll(`${this.base}/api/v1/depth/${id}`);
        if (status !== 'done') return done(false, status);
      }
      const result = await fetch(`${this.base}${accepted.resultUrl}`);
      await result.arrayBuffer();
      return done(result.status === 200, String(result.status));
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
      const response = await fetch(url);
      const body = (await response.json()) as { status?: string };
      if (response.status !== 200) return String(response.status);
      if (body.status === 'done' || body.status === 'failed') return body.status;
      await sleep(POLL_INTERVAL_MS);
    }
  }

  private async legacy(photo: BenchPhoto, done: (ok: boolean, s?: string) => Outcome) {
    const upload = await fetch(`${this.base}/upload`, { method: 'POST', body: form(photo) });
    const { request_id: id } = (await upload.json()) as { request_id: string };
    if (upload.status !== 200) return done(false, String(upload.status));
    for (;;) {
      const response = await fetch(`${this.base}/result/${id}`);
      const body = await response.arrayBuffer();
      if (response.status === 200 && body.byteLength > 0) return done(true);
      if (response.status !== 202) return done(false, String(response.status));
      await sleep(POLL_INTERVAL_MS);
    }
  }
}
