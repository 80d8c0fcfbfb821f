import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { requestIdOf } from './request-context';

/** The request's id (see request-context.ts), for handlers that start work logged under it. */
export const RequestId = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  requestIdOf(ctx.switchToHttp().getRequest<IncomingMessage>()),
);
