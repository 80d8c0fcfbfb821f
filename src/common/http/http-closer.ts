import type { IncomingMessage, Server, ServerResponse } from 'node:http';

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
 * From close on, every response says Connection: close, a response already
 * under way ends its connection once it has been sent (after the bytes are
 * flushed, so a download is not cut), and whatever is still open after the
 * grace is destroyed.
 */
export class HttpCloser {
  private readonly inFlight = new Set<ServerResponse>();
  private begun = false;

  constructor(private readonly server: Server) {
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      if (this.begun) {
        res.setHeader('Connection', 'close');
        return;
      }
      this.inFlight.add(res);
      res.once('close', () => this.inFlight.delete(res));
    });
  }

  /** True from the moment close begins. */
  get closing(): boolean {
    return this.begun;
  }

  /** Runs `closeServer`, which ends in server.close(), bounding it by `graceMs`. */
  async close(
    closeServer: () => Promise<void>,
    graceMs = HTTP_CLOSE_GRACE_MS,
  ): Promise<HttpCloseOutcome> {
    const started = Date.now();
    this.begun = true;
    for (const res of this.inFlight) this.endAfter(res);
    this.inFlight.clear();
    let cut = 0;
    const deadline = setTimeout(() => {
      this.server.getConnections((_error, count) => {
        cut = count;
        this.server.closeAllConnections();
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
    if (socket) res.once('finish', () => socket.end());
  }
}
