import type { FailureReason } from '../../results/job.entity';

export class QueueFullError extends Error {
  constructor(
    readonly capacity: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `The queue is full (${capacity} jobs queued or running); retry in ${retryAfterSeconds} s.`,
    );
    this.name = 'QueueFullError';
  }
}

export class JobNotFoundError extends Error {
  constructor(message = 'Job not found.') {
    super(message);
    this.name = 'JobNotFoundError';
  }
}

export class JobExpiredError extends Error {
  constructor(id: string) {
    super(`Job ${id} has expired and its result was deleted.`);
    this.name = 'JobExpiredError';
  }
}

export class JobFailedError extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'JobFailedError';
  }
}

export class ShuttingDownError extends Error {
  readonly retryAfterSeconds = 5;

  constructor() {
    super('The service is shutting down and takes no new jobs.');
    this.name = 'ShuttingDownError';
  }
}
