import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { assignRequestId, REQUEST_ID_HEADER, requestIdFrom } from './request-context';

/** Probes and scrapes arrive every few seconds and would drown the access log. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/livez', '/metrics']);

/**
 * Gives each request an id (the caller's, when well formed), echoes it in
 * X-Request-Id, keeps it on the request for the handlers that log under it
 * (@RequestId()), and writes one access log line at the end.
 */
@Injectable()
export class RequestLoggingMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');

  use(req: Request, res: Response, next: NextFunction): void {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER.toLowerCase()]);
    assignRequestId(req, requestId);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const path = req.originalUrl.split('?')[0];
    if (!QUIET_PATHS.has(path)) {
      const started = performance.now();
      res.once('close', () => {
        const durationMs = Math.round(performance.now() - started);
        const outcome = res.writableFinished ? `answered ${res.statusCode}` : 'was aborted';
        this.logger.log({
          msg: `${req.method} ${path} ${outcome} in ${durationMs} ms.`,
          requestId,
          method: req.method,
          path,
          statusCode: res.statusCode,
          durationMs,
          remoteAddress: req.ip,
        });
      });
    }
    next();
  }
}
