import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { JobsService } from './jobs.service';
import { modelQuery } from './model-query';

/**
 * Refuses an upload with 503 before its body is read when the model is not
 * ready or the queue is full (or 400 when `model=` names no loaded model),
 * so an overloaded service does not buffer megabytes only to throw them
 * away. Admission is checked again on submit.
 */
@Injectable()
export class AdmissionGuard implements CanActivate {
  constructor(private readonly jobs: JobsService) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    this.jobs.assertAccepting(modelQuery(req.query.model));
    return true;
  }
}
