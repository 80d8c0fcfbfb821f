import { io, Socket } from 'socket.io-client';
import {
  ClientToServerEvents,
  JOBS_NAMESPACE,
  ServerToClientEvents,
} from '../../src/realtime/realtime.events';
import { listen, TestApp } from './test-app';

export type JobsClient = Socket<ServerToClientEvents, ClientToServerEvents>;
export type EventName = keyof ServerToClientEvents;
export interface Received {
  name: EventName;
  payload: Record<string, unknown>;
  at: number;
}

/** A real Socket.IO client on the jobs namespace that records every event it receives, in order. */
export class RecordingClient {
  readonly events: Received[] = [];
  private waiters: (() => void)[] = [];

  constructor(readonly socket: JobsClient) {
    socket.onAny((name: EventName, payload: Record<string, unknown>) => {
      this.events.push({ name, payload, at: Date.now() });
      this.waiters.forEach((wake) => wake());
    });
  }

  static async connect(t: TestApp, auth?: Record<string, unknown>): Promise<RecordingClient> {
    return RecordingClient.connectTo(`http://127.0.0.1:${await listen(t)}`, auth);
  }

  /** Connects to a server at a base URL, e.g. one running in a child process. */
  static async connectTo(
    baseUrl: string,
    auth?: Record<string, unknown>,
  ): Promise<RecordingClient> {
    const socket: JobsClient = io(`${baseUrl}${JOBS_NAMESPACE}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return new RecordingClient(socket);
  }

  /** Events about one job, by name. */
  namesFor(id: string): EventName[] {
    return this.eventsFor(id).map((event) => event.name);
  }

  eventsFor(id: string): Received[] {
    return this.events.filter((event) => event.payload.id === id);
  }

  /** Resolves with the first recorded event matching, waiting for it if needed. */
  async waitFor(match: (event: Received) => boolean, timeoutMs = 20_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (Date.now() > deadline) {
        const seen = this.events.map((event) => event.name).join(', ');
        throw new Error(`No matching event within ${timeoutMs} ms; got: ${seen || 'nothing'}.`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiters = [];
    }
  }

  /** Waits for the job's completed or failed event. */
  final(id: string, timeoutMs?: number): Promise<Received> {
    return this.waitFor(
      (e) => e.payload.id === id && (e.name === 'job.completed' || e.name === 'job.failed'),
      timeoutMs,
    );
  }

  close(): void {
    this.socket.disconnect();
  }
}

/**
 * Clients a suite connects to its app, all closed after each test:
 * `const clients = trackedClients(() => t); afterEach(clients.closeAll);`.
 */
export function trackedClients(app: () => TestApp) {
  const open: RecordingClient[] = [];
  return {
    connect: async (auth?: Record<string, unknown>): Promise<RecordingClient> => {
      const client = await RecordingClient.connect(app(), auth);
      open.push(client);
      return client;
    },
    closeAll: (): void => open.splice(0).forEach((client) => client.close()),
  };
}
