import type { Request } from 'express';

/** A refused body is read on, and thrown away, up to this much (or the upload limit if larger). */
const DRAIN_BYTES = 8 * 1024 * 1024;
/** ...and for at most this long. */
const DRAIN_GRACE_MS = 10_000;

/**
 * Deals with the rest of a body whose upload was refused before it all arrived.
 *
 * A client still sending when the answer comes: reading on and discarding a
 * bounded amount lets it finish, read the 4xx and keep its connection
 * (closing with unread data makes many clients report a reset instead of
 * the answer). Past the bound, or the grace period, the connection is closed
 * once the answer is out, so an endless body costs a bounded read and never
 * a buffer. A stalled client (`stalled`) is told `Connection: close` and cut
 * as soon as it has been answered.
 */
export function abandonBody(req: Request, limitBytes: number, stalled = false): void {
  if (req.complete || req.socket.destroyed) return;
  const res = req.res;
  const closeWhenAnswered = () => {
    if (!res || res.writableFinished) req.socket.destroy();
    else res.once('close', () => req.socket.destroy());
  };
  if (stalled) {
    if (res && !res.headersSent) res.setHeader('Connection', 'close');
    return closeWhenAnswered();
  }
  const budget = Math.max(limitBytes, DRAIN_BYTES);
  let discarded = 0;
  const stop = () => {
    clearTimeout(timer);
    req.removeListener('data', discard);
    closeWhenAnswered();
  };
  const discard = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > budget) stop();
  };
  const timer = setTimeout(stop, DRAIN_GRACE_MS).unref();
  req.on('data', discard);
  req.once('end', () => clearTimeout(timer));
  req.resume();
}
