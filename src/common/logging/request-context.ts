import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Short and log-safe: no spaces, quotes or control characters can reach a log line or a header. */
const WELL_FORMED_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Request ids travel explicitly: RequestLoggingMiddleware puts one on each
 * request, handlers read it with @RequestId(), and a job keeps the id of the
 * request that created it, so every line about the job can name it. Not
 * AsyncLocalStorage: on Node 20 it installs promise hooks that run for every
 * promise in the process, which cost the main thread about 1 ms per push job
 * and 2.8% of throughput at c=8 (BENCHMARKS.md, twenty-fourth session).
 */
const ids = new WeakMap<IncomingMessage, string>();

/** The caller's id when it is well formed (so a proxy's id links up), otherwise a fresh UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && WELL_FORMED_ID.test(header) ? header : randomUUID();
}

export function assignRequestId(req: IncomingMessage, requestId: string): void {
  ids.set(req, requestId);
}

/** The id RequestLoggingMiddleware gave the request; undefined for routes it does not cover. */
export function requestIdOf(req: IncomingMessage): string | undefined {
  return ids.get(req);
}
