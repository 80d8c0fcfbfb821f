import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { RateLimitedError } from '../errors/rate-limited.error';

/**
 * Per-IP limit shared by every upload route. The client IP is Express' req.ip, which ignores
 * X-Forwarded-For unless the app is told to trust a proxy.
 */
@Injectable()
export class UploadThrottlerGuard extends ThrottlerGuard {
  /** One budget per client across both upload routes, not one per route. */
  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    throttler: string,
  ): string {
    return `${throttler}:${tracker}`;
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new RateLimitedError(Math.max(1, Math.ceil(detail.timeToBlockExpire)));
  }
}
