import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AppConfig } from './config/app-config';

/**
 * Options shared by main.ts and the e2e tests, so tests run the app exactly
 * as production does. Multipart bodies are streamed by the upload
 * interceptor, and no route takes a JSON body, so no body parser is needed.
 */
export const APP_OPTIONS: NestApplicationOptions = { bodyParser: false };

/**
 * Slow-client limits on the HTTP server, shared by main.ts and the e2e tests;
 * call before listen. headersTimeout cuts clients that never finish their
 * headers, requestTimeout bounds a whole request however slowly it trickles
 * (the upload reader also cuts a body that goes idle, UPLOAD_BODY_TIMEOUT_MS).
 * Node checks both only every connectionsCheckingInterval (30 s by default),
 * which would make a 10 s header limit a 40 s one.
 */
export function configureHttpServer(app: INestApplication, config: AppConfig): void {
  // connectionsCheckingInterval is read when the server starts listening; @types/node omits it.
  const server = app.getHttpServer() as Server & { connectionsCheckingInterval: number };
  server.headersTimeout = config.headersTimeoutMs;
  server.requestTimeout = config.requestTimeoutMs;
  server.connectionsCheckingInterval = Math.min(
    1000,
    Math.max(50, Math.floor(config.headersTimeoutMs / 4)),
  );
}
