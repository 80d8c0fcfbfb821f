import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck } from './contract';
import { JOBS_NAMESPACE } from './contract';
import { JobPoller } from './job-poller';
import { FINAL_RANK, fromCompleted, RANK, type JobUpdate } from './job-updates';

type JobSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Handler = (update: JobUpdate) => void;

export interface FeedState {
  mode: 'connecting' | 'live' | 'polling';
  /** Tells "live connection lost" from "never had one". */
  everConnected: boolean;
  /** False while polls fail to reach the server at all. */
  reachable: boolean;
}

interface Watch {
  /** More than one when deduplicated uploads got the same job. */
  handlers: Set<Handler>;
  rank: number;
  last?: JobUpdate;
  /** The socket refused or ignored this id, so it is polled even while live. */
  pollOnly: boolean;
}

/** What arrived for an id before its upload's 202 did: the server announces jobs first. */
interface Early {
  update?: JobUpdate;
  refused?: boolean;
  at: number;
}

const ACK_TIMEOUT_MS = 5000;
/** The gateway's limit on ids in one subscribe. */
const MAX_IDS_PER_REQUEST = 100;
const SERVER_HANGUP_RECONNECT_MS = 2000;
const EARLY_TTL_MS = 60_000;

/** Job updates over Socket.IO, falling back to polling whenever the socket is down. */
export class JobFeed {
  private readonly socket: JobSocket = io(JOBS_NAMESPACE, { autoConnect: false });
  private readonly watched = new Map<string, Watch>();
  private readonly early = new Map<string, Early>();
  private readonly listeners = new Set<(state: FeedState) => void>();
  private state: FeedState = { mode: 'connecting', everConnected: false, reachable: true };
  private readonly poller: JobPoller;

  constructor(pollMs = 1000) {
    this.poller = new JobPoller(
      {
        ids: () => this.pollable(),
        deliver: (id, update) => this.deliver(id, update),
        reachable: (reachable) => this.setState({ reachable }),
      },
      pollMs,
    );
    const s = this.socket;
    s.on('connect', () => {
      this.setState({ mode: 'live', everConnected: true, reachable: true });
      // Subscriptions die with the old connection; the server replays each id's state.
      for (const watch of this.watched.values()) watch.pollOnly = false;
      this.subscribe([...this.watched.keys()]);
    });
    s.on('disconnect', (reason) => {
      this.setState({ mode: 'polling' });
      // Socket.IO only reconnects by itself when it was not the server that hung up.
      if (reason === 'io server disconnect') this.reconnectLater();
      this.poller.kick();
    });
    s.on('connect_error', () => {
      this.setState({ mode: 'polling' });
      if (!s.active) this.reconnectLater();
      this.poller.kick();
    });
    s.on('job.queued', (e) => this.deliver(e.id, { kind: 'queued', position: e.position }));
    s.on('job.position', (e) => this.deliver(e.id, { kind: 'queued', position: e.position }));
    s.on('job.started', (e) => this.deliver(e.id, { kind: 'processing' }));
    s.on('job.completed', (e) => this.deliver(e.id, fromCompleted(e)));
    s.on('job.failed', (e) => this.deliver(e.id, { kind: 'failed', ...e }));
    s.on('job.error', (e) => {
      if (e.id === undefined) return console.warn('Job feed:', e.message);
      if (e.code === 'not_found' || e.code === 'expired') {
        this.deliver(e.id, { kind: 'gone', code: e.code, message: e.message });
      } else if (this.watched.has(e.id)) {
        this.pollInstead([e.id]);
      } else {
        this.keepEarly(e.id, { refused: true });
      }
    });
  }

  start(): void {
    this.socket.connect();
  }

  onState(listener: (state: FeedState) => void): void {
    this.listeners.add(listener);
    listener(this.state);
  }

  /** The id to send with an upload, when there is a live socket to subscribe. */
  get socketId(): string | undefined {
    return this.socket.connected ? this.socket.id : undefined;
  }

  /**
   * subscribedAs: the socket id sent with the upload, which the server has already subscribed.
   * Returns the function that stops this handler only.
   */
  watch(id: string, handler: Handler, subscribedAs?: string): () => void {
    const stop = () => this.stopHandler(id, handler);
    const watching = this.watched.get(id);
    if (watching) {
      // Another upload got the same job: it catches up, then follows along.
      watching.handlers.add(handler);
      if (watching.last) handler(watching.last);
      return stop;
    }
    const early = this.early.get(id);
    this.early.delete(id);
    const handlers = new Set([handler]);
    this.watched.set(id, { handlers, rank: -1, pollOnly: early?.refused ?? false });
    if (early?.update) this.deliver(id, early.update);
    if (!this.watched.has(id)) return stop;
    if (this.socket.connected && this.socket.id !== subscribedAs) this.subscribe([id]);
    this.poller.kick();
    return stop;
  }

  private stopHandler(id: string, handler: Handler): void {
    const watch = this.watched.get(id);
    if (watch?.handlers.delete(handler) && watch.handlers.size === 0) this.unwatch(id);
  }

  private unwatch(id: string): void {
    if (this.watched.delete(id) && this.socket.connected) {
      this.socket.emit('unsubscribe', { ids: [id] });
    }
  }

  private deliver(id: string, update: JobUpdate): void {
    const watch = this.watched.get(id);
    if (!watch) return this.keepEarly(id, { update });
    const rank = RANK[update.kind];
    // A slow poll answer must not undo a newer socket event.
    if (rank < watch.rank) return;
    watch.rank = rank;
    watch.last = update;
    if (rank === FINAL_RANK) this.unwatch(id);
    watch.handlers.forEach((handler) => handler(update));
  }

  private keepEarly(id: string, { update, refused }: Omit<Early, 'at'>): void {
    const now = Date.now();
    for (const [key, { at }] of this.early) if (now - at > EARLY_TTL_MS) this.early.delete(key);
    const known = this.early.get(id) ?? { at: now };
    const newer = update && (!known.update || RANK[update.kind] >= RANK[known.update.kind]);
    this.early.set(id, {
      update: newer ? update : known.update,
      refused: refused || known.refused,
      at: now,
    });
  }

  private subscribe(ids: string[]): void {
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_REQUEST) {
      const batch = ids.slice(i, i + MAX_IDS_PER_REQUEST);
      // Ids refused one by one also get job.error. No answer, or the request refused as a
      // whole, means the socket cannot be relied on for any of them.
      this.socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('subscribe', { ids: batch })
        .then(
          (ack: SubscribeAck) => {
            if (ack.rejected.some((r) => r.id === undefined)) this.pollInstead(batch);
          },
          () => this.pollInstead(batch),
        );
    }
  }

  private pollInstead(ids: string[]): void {
    for (const id of ids) {
      const watch = this.watched.get(id);
      if (watch) watch.pollOnly = true;
    }
    this.poller.kick();
  }

  private reconnectLater(): void {
    window.setTimeout(() => {
      if (!this.socket.connected) this.socket.connect();
    }, SERVER_HANGUP_RECONNECT_MS);
  }

  private pollable(): string[] {
    const live = this.socket.connected;
    return [...this.watched].filter(([, w]) => !live || w.pollOnly).map(([id]) => id);
  }

  private setState(change: Partial<FeedState>): void {
    const next = { ...this.state, ...change };
    if (Object.entries(change).every(([k, v]) => this.state[k as keyof FeedState] === v)) return;
    this.state = next;
    for (const listener of this.listeners) listener(next);
  }
}
