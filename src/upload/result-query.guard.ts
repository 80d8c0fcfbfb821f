import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { colormapPipe, formatPipe } from '../jobs/dto/result-query';

/**
 * Checks the sync route's format parameters with the result route's own
 * pipes before the body is read: guards run before interceptors and pipes,
 * so a bad `format` is a 400 that never reads an upload or creates a job.
 * The handler's @Query pipes then convert the values already known good.
 */
@Injectable()
export class ResultQueryGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { query } = context.switchToHttp().getRequest<Request>();
    formatPipe.transform(query.format);
    colormapPipe.transform(query.colormap);
    return true;
  }
}
