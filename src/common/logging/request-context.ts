import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Short and log-safe: no spaces, quotes or control characters can reach a log line or a header. */
const WELL_FORMED_ID = /^[A-Za-z0-9._-]{1,64}$/;

const storage = new AsyncLocalStorage<string | undefined>();

/** The caller's id when it is well formed (so a proxy's id links up), otherwise a fresh UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && WELL_FORMED_ID.test(header) ? header : randomUUID();
}

/** Runs fn, and everything it starts, on behalf of a request; log lines then carry its id. */
export function withRequestId<T>(requestId: string | undefined, fn: () => T): T {
  return storage.run(requestId, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore();
}
