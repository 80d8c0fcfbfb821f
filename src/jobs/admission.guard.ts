import { CanActivate, Injectable } from '@nestjs/common';
import { JobsService } from './jobs.service';

/**
 * Refuses an upload with 503 before its body is read when the model is not
 * ready or the queue is full, so an overloaded service does not buffer
 * megabytes only to throw them away. Admission is checked again on submit.
 */
@Injectable()
export class AdmissionGuard implements CanActivate {
  constructor(private readonly jobs: JobsService) {}

  canActivate(): boolean {
    this.jobs.assertAccepting();
    return true;
  }
}
