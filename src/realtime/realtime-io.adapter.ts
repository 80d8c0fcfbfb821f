import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { IncomingMessage } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';

/**
 * Socket.IO with the same origin policy as HTTP. Browsers do not apply CORS
 * to WebSockets, so without this check any site could open a socket to the
 * service from a visitor's browser; requests without an Origin (non-browser
 * clients) are allowed.
 */
export class RealtimeIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly corsOrigins: string[] | null,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    return super.createIOServer(port, {
      ...options,
      cors: this.corsOrigins ? { origin: this.corsOrigins } : undefined,
      allowRequest: (req: IncomingMessage, callback: (err: string | null, ok: boolean) => void) =>
        callback(null, this.allowed(req)),
    }) as Server;
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
