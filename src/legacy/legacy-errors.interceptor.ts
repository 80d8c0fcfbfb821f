import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { catchError, Observable, throwError } from 'rxjs';
import { JobExpiredError, JobFailedError, JobNotFoundError } from '../jobs/errors/job.errors';
import { InvalidImageError, UnsupportedImageError } from '../upload/errors/image.errors';

/**
 * Rewrites errors into the messages and statuses the original Flask service
 * used, so clients written for it keep matching on them.
 */
@Injectable()
export class LegacyErrorsInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => throwError(() => toLegacy(error))));
  }
}

function toLegacy(error: unknown): unknown {
  if (error instanceof UnsupportedImageError || error instanceof InvalidImageError) {
    return new InvalidImageError('Invalid image format');
  }
  if (error instanceof JobNotFoundError || error instanceof JobExpiredError) {
    return new JobNotFoundError('Request ID not found');
  }
  if (error instanceof JobFailedError) return new JobFailedError('internal', error.message);
  return error;
}
