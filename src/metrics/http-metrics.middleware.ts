import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram } from 'prom-client';
import { MetricsService, PREFIX } from './metrics.service';

/** Route patterns of the two upload routes, the current API's and the legacy one. */
const UPLOAD_ROUTES = new Set(['/api/v1/depth', '/upload']);
/** The web client's fallback route (`{*any}`) matches every path, so it names no route. */
const CATCH_ALL = /^\/?\{?\*/;

/**
 * Counts requests by route pattern (never the raw URL, whose ids would make
 * a series per job) and status, and uploads by outcome. Rejections are
 * counted by the `code` of the error body, which the exception filter leaves
 * in res.locals.errorCode.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly requests: Counter<'method' | 'route' | 'status_code'>;
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly accepted: Counter<'route'>;
  private readonly rejected: Counter<'route' | 'reason'>;

  constructor({ registry }: MetricsService) {
    const labelNames = ['method', 'route', 'status_code'] as const;
    const registers = [registry];
    this.requests = new Counter({
      name: `${PREFIX}http_requests_total`,
      help: 'HTTP requests answered, by route pattern ("unmatched" when no route matched) and status.',
      labelNames,
      registers,
    });
    this.duration = new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'Time from receiving a request to the end of its response.',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.accepted = new Counter({
      name: `${PREFIX}uploads_accepted_total`,
      help: 'Uploads admitted as jobs, by upload route.',
      labelNames: ['route'],
      registers,
    });
    this.rejected = new Counter({
      name: `${PREFIX}uploads_rejected_total`,
      help: 'Uploads refused, by upload route and the error code of the response.',
      labelNames: ['route', 'reason'],
      registers,
    });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const stop = this.duration.startTimer();
    res.once('finish', () => {
      const route = routeOf(req);
      const labels = { method: req.method, route, status_code: String(res.statusCode) };
      this.requests.inc(labels);
      stop(labels);
      if (req.method !== 'POST' || !UPLOAD_ROUTES.has(route)) return;
      if (res.statusCode < 400) {
        this.accepted.inc({ route });
      } else {
        const code: unknown = res.locals.errorCode;
        this.rejected.inc({ route, reason: typeof code === 'string' ? code : 'unknown' });
      }
    });
    next();
  }
}

/** Express leaves the matched route on the request; static files and 404s have none. */
function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' && !CATCH_ALL.test(path) ? path : 'unmatched';
}
