import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How long connections may stay open once the listener has closed. */
export const HTTP_CLOSE_GRACE_MS = 2_000;

export interface HttpCloseOutcome {
  durationMs: number;
  /** Connections still open at the grace's end, which were then destroyed. */
  cut: number;
}

/**
 * Closes an HTTP server without letting clients hold it open. Node's close()
 * stops accepting and ends the connections idle at that moment, then waits
 * for every other one to end by itself. Browsers keep connections alive and
 * reuse them (Socket.IO reconnecting, result fetches), and a client that
 * stops reading keeps its response open, so a plain close can wait for ever.
 *
 * Node also counts a connection that has not sent a request yet (a browser's
 * preconnect) as busy, since its header timeout runs.
 *
 * From close on, every response says Connection: close, a response already
 * under way ends its connection once it has been sent (after the bytes are
 * flushed, so a download is not cut), every other connection is closed at
 * once, and whatever is still open after the grace is destroyed. WebSockets
 * get the closing handshake of the server that upgraded them, and are
 * destroyed at the grace too: a peer that never answers the close frame would
 * otherwise hold the close for ws's own 30 s.
 */
export class HttpCloser {
  private readonly inFlight = new Set<ServerResponse>();
  private readonly connections = new Set<Socket>();
  private readonly upgraded = new Set<Socket>();
  private begun = false;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
    });
    // Only where something handles upgrades: with no listener, Node serves them as plain requests.
    if (server.listenerCount('upgrade') > 0) {
      server.on('upgrade', (_req: IncomingMessage, socket: Socket) => {
        this.connections.delete(socket);
        this.upgraded.add(socket);
        socket.once('close', () => this.upgraded.delete(socket));
      });
    }
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      if (this.begun) {
        res.setHeader('Connection', 'close');
        return;
      }
      this.inFlight.add(res);
      res.once('close', () => this.inFlight.delete(res));
    });
  }

  /** Runs `closeServer`, which ends in server.close(), bounding it by `graceMs`. */
  async close(
    closeServer: () => Promise<void>,
    graceMs = HTTP_CLOSE_GRACE_MS,
  ): Promise<HttpCloseOutcome> {
    const started = Date.now();
    this.begun = true;
    const serving = new Set<Socket | null>();
    for (const res of this.inFlight) {
      serving.add(res.socket);
      this.endAfter(res);
    }
    this.inFlight.clear();
    // Idle: nothing of ours is under way on them. A browser may take a second
    // to close its side of an idle connection it was sent a FIN on.
    for (const socket of this.connections) if (!serving.has(socket)) socket.destroy();
    // server.close() then ends the connections Node deems idle, which includes one whose
    // response has ended but is still being flushed: a large download would lose its tail
    // (the spec's 24 MB one got 3.9 MB). Every connection is handled above, so that is skipped.
    this.server.closeIdleConnections = () => undefined;
    let cut = 0;
    const deadline = setTimeout(() => {
      this.server.getConnections((_error, count) => {
        cut = count;
        this.server.closeAllConnections();
        // closeAllConnections() only knows HTTP connections; upgraded ones left its list.
        for (const socket of this.upgraded) socket.destroy();
      });
    }, graceMs);
    try {
      await closeServer();
    } finally {
      clearTimeout(deadline);
    }
    return { durationMs: Date.now() - started, cut };
  }

  private endAfter(res: ServerResponse): void {
    if (!res.headersSent) {
      res.setHeader('Connection', 'close');
      return;
    }
    // Kept alive, the connection would go idle after this response and linger.
    const socket = res.socket;
    // end() only, and the client closes its side: destroying the socket once
    // the last write was handed over lost the last ~220 kB of a 24 MB
    // download to a slow reader on a loaded machine (the spec, 2 of 8 runs).
    // A response already finished has no socket (Node detaches it on finish);
    // its connection counts as idle and was closed with the others.
    if (socket) res.once('finish', () => socket.end());
  }
}
