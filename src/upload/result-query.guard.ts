import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { RenderQueryPipe } from '../jobs/dto/render-query.dto';

/**
 * Checks the sync route's rendering parameters with the result route's own
 * pipe before the body is read: guards run before interceptors and pipes,
 * so a bad `format` is a 400 that never reads an upload or creates a job.
 * The handler's @Query pipe then converts the values already known good.
 */
@Injectable()
export class ResultQueryGuard implements CanActivate {
  private readonly pipe = new RenderQueryPipe();

  canActivate(context: ExecutionContext): boolean {
    this.pipe.transform(context.switchToHttp().getRequest<Request>().query);
    return true;
  }
}
