import { PointCloudParamsError } from '../../inference/errors/point-cloud-params.error';
import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { requestIdOf } from '../logging/request-context';
import { ModelNotReadyError } from '../../inference/errors/model-not-ready.error';
import { UnknownModelError } from '../../inference/errors/unknown-model.error';
import {
  JobExpiredError,
  JobFailedError,
  JobNotFoundError,
  QueueFullError,
  ShuttingDownError,
} from '../../jobs/errors/job.errors';
import {
  ImageTooLargeError,
  InvalidImageError,
  UnsupportedImageError,
} from '../../upload/errors/image.errors';
import { SyncTimeoutError } from '../../upload/errors/sync.errors';
import {
  EmptyFilenameError,
  InvalidSocketIdError,
  MalformedUploadError,
  NoFileError,
  UploadTimeoutError,
  UploadTooLargeError,
} from '../../upload/errors/upload.errors';
import { RateLimitedError } from '../errors/rate-limited.error';
import type { ErrorResponse } from './error-response';
import { redactPaths } from './redact-paths';

type ErrorClass = abstract new (...args: never[]) => Error;

const DOMAIN_ERRORS: [ErrorClass, number, string][] = [
  [NoFileError, 400, 'no_file'],
  [EmptyFilenameError, 400, 'empty_filename'],
  [MalformedUploadError, 400, 'malformed_upload'],
  [InvalidSocketIdError, 400, 'invalid_socket_id'],
  [UnknownModelError, 400, 'unknown_model'],
  [PointCloudParamsError, 400, 'bad_request'],
  [InvalidImageError, 400, 'invalid_image'],
  [UploadTimeoutError, 408, 'request_timeout'],
  [UploadTooLargeError, 413, 'upload_too_large'],
  [ImageTooLargeError, 413, 'image_too_large'],
  [UnsupportedImageError, 415, 'unsupported_image'],
  [JobNotFoundError, 404, 'not_found'],
  [JobExpiredError, 410, 'expired'],
  [RateLimitedError, 429, 'rate_limited'],
  [QueueFullError, 503, 'queue_full'],
  [ModelNotReadyError, 503, 'model_not_ready'],
  [ShuttingDownError, 503, 'shutting_down'],
];

/** Maps domain errors, Nest's HTTP exceptions and anything unexpected to one JSON shape. */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(DomainExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    // The Socket.IO gateway answers its own errors as events; nothing from it should get here.
    if (host.getType() !== 'http') {
      this.logger.error(`Unhandled ${host.getType()} error: ${String(exception)}`);
      return;
    }
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    const body = this.toBody(exception, req);
    // The request metrics count refused uploads by this code.
    res.locals.errorCode = body.code;
    if (res.headersSent) {
      // A stream failed mid-response: all we can do is end it.
      res.end();
      return;
    }
    const retryAfter = retryAfterOf(exception);
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, req: Request): ErrorResponse {
    if (exception instanceof JobFailedError) {
      // A job that failed because of its input is the client's problem; anything else is ours.
      const statusCode = exception.reason === 'invalid_image' ? 422 : 500;
      const error = redactPaths(exception.message);
      return { statusCode, code: 'job_failed', reason: exception.reason, error };
    }
    if (exception instanceof SyncTimeoutError) {
      const { id, status, statusUrl, resultUrl, message } = exception;
      return {
        statusCode: 504,
        code: 'sync_timeout',
        error: message,
        id,
        status,
        statusUrl,
        resultUrl,
      };
    }
    const known = DOMAIN_ERRORS.find(([type]) => exception instanceof type);
    if (known) {
      return {
        statusCode: known[1],
        code: known[2],
        error: redactPaths((exception as Error).message),
      };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      return { statusCode, code: codeFor(statusCode), error: redactPaths(httpMessage(exception)) };
    }
    this.logger.error({
      msg: `Unhandled error on ${req.method} ${req.path}: ${(exception as Error)?.stack ?? String(exception)}`,
      requestId: requestIdOf(req),
    });
    return { statusCode: 500, code: 'internal', error: 'Internal server error' };
  }
}

/** Errors that can be retried carry retryAfterSeconds; it becomes the Retry-After header. */
function retryAfterOf(exception: unknown): number | undefined {
  if (!(exception instanceof Error) || !('retryAfterSeconds' in exception)) return undefined;
  return exception.retryAfterSeconds as number;
}

function codeFor(status: number): string {
  return (HttpStatus[status] ?? 'error').toLowerCase();
}

function httpMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}
