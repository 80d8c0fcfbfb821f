import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { UploadTooLargeError } from './errors/upload.errors';
import { abandonBody } from './multipart/abandon-body';
import { readSingleFile } from './multipart/read-single-file';
import type { RequestWithUpload } from './uploaded-image.decorator';

/** Room for multipart boundaries and headers on top of the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

/** Reads the "file" part of a multipart upload into req.upload, enforcing MAX_UPLOAD_BYTES. */
@Injectable()
export class SingleFileInterceptor implements NestInterceptor {
  constructor(private readonly config: AppConfig) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<RequestWithUpload>();
    const declared = Number(req.headers['content-length']);
    // Refuse before reading a byte when the declared size already says no.
    const maxBytes = this.config.maxUploadBytes;
    if (declared > maxBytes + MULTIPART_OVERHEAD) {
      abandonBody(req, maxBytes);
      throw new UploadTooLargeError(maxBytes);
    }
    const idleTimeoutMs = this.config.uploadBodyTimeoutMs;
    req.upload = await readSingleFile(req, { field: 'file', maxBytes, idleTimeoutMs });
    return next.handle();
  }
}
