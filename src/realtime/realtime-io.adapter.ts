import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';
import { HTTP_CLOSE_GRACE_MS, HttpCloser } from '../common/http/http-closer';

/**
 * Socket.IO with the same origin policy as HTTP. Browsers do not apply CORS
 * to WebSockets, so without this check any site could open a socket to the
 * service from a visitor's browser; requests without an Origin (non-browser
 * clients) are allowed.
 *
 * Closing the Socket.IO server is also where Nest closes the HTTP listener
 * (Socket.IO closes the server it is attached to), so that close is bounded
 * here. A client reconnecting meanwhile needs a new connection, which the
 * closed listener refuses: the closer ends every kept-alive one.
 */
export class RealtimeIoAdapter extends IoAdapter {
  private readonly logger = new Logger(RealtimeIoAdapter.name);
  private closer?: HttpCloser;

  constructor(
    app: INestApplicationContext,
    private readonly corsOrigins: string[] | null,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      cors: this.corsOrigins ? { origin: this.corsOrigins } : undefined,
      allowRequest: (req: IncomingMessage, callback: (err: string | null, ok: boolean) => void) =>
        callback(null, this.allowed(req)),
    }) as Server;
    // Only now: engine.io takes over the server's request listeners as it
    // attaches and passes on only what is not its own, so a closer attached
    // before it would never see Socket.IO's polling requests.
    this.closer ??= new HttpCloser(this.httpServer as HttpServer);
    return server;
  }

  override async close(server: Server): Promise<void> {
    // Nest also passes the namespace, which closes nothing.
    if (!this.closer || server.httpServer !== this.httpServer) return super.close(server);
    const { durationMs, cut } = await this.closer.close(() => super.close(server));
    if (cut > 0) {
      this.logger.warn(
        `Closed the HTTP listener in ${durationMs} ms; ${cut} connections were still busy after ` +
          `${HTTP_CLOSE_GRACE_MS} ms and were cut.`,
      );
    } else {
      this.logger.log(`Closed Socket.IO and the HTTP listener in ${durationMs} ms.`);
    }
  }

  private allowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (this.corsOrigins?.includes(origin)) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }
}
