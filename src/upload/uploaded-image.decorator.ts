import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { UploadedFile } from './multipart/read-single-file';

export type RequestWithUpload = Request & { upload?: UploadedFile };

/** The file read by SingleFileInterceptor. */
export const UploadedImage = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const upload = ctx.switchToHttp().getRequest<RequestWithUpload>().upload;
  if (!upload) throw new Error('UploadedImage used without SingleFileInterceptor.');
  return upload;
});
