import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerRequest } from '@nestjs/throttler';
import { RateLimitedError } from '../errors/rate-limited.error';

/**
 * A guard that applies only one of the named throttlers, so uploads and reads
 * have separate per-IP budgets. The tracker is Express' req.ip, which honours
 * X-Forwarded-For only from proxies TRUST_PROXY names.
 */
abstract class NamedThrottlerGuard extends ThrottlerGuard {
  protected abstract readonly throttlerName: string;

  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    if (request.throttler.name !== this.throttlerName) return Promise.resolve(true);
    return super.handleRequest(request);
  }

  /** One budget per client across every route the guard covers, not one per route. */
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

/** UPLOAD_RATE_LIMIT, shared by both upload routes. */
@Injectable()
export class UploadThrottlerGuard extends NamedThrottlerGuard {
  protected readonly throttlerName = 'upload';
}

/** READ_RATE_LIMIT, shared by the status and result routes (v1 and legacy). */
@Injectable()
export class ReadThrottlerGuard extends NamedThrottlerGuard {
  protected readonly throttlerName = 'read';
}
