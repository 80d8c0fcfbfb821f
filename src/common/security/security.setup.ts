import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { AppConfig } from '../../config/app-config';
import { RealtimeIoAdapter } from '../../realtime/realtime-io.adapter';
import { DEPTH_HEADERS, RENDER_CACHE_HEADER } from '../../results/rendered-result';
import { DEDUPE_HEADER } from '../../upload/dto/upload-accepted.dto';

/**
 * The page's own assets only. Photos are previewed from blob: URLs made in the
 * browser, and Socket.IO connects back to the same origin. upgrade-insecure-
 * requests is left out because a self-hosted service is often plain HTTP on a LAN.
 */
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'blob:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

/**
 * Security settings shared by main.ts and the e2e tests, applied before init:
 * which proxies may set the client IP, helmet's headers and CSP, and CORS
 * (off unless CORS_ORIGINS lists origins) for HTTP and Socket.IO alike.
 */
export function applySecurity(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  express.set('trust proxy', config.trustProxy);
  express.use(
    helmet({ contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES } }),
  );
  if (config.corsOrigins) {
    express.enableCors({
      origin: config.corsOrigins,
      exposedHeaders: [
        'Retry-After',
        DEDUPE_HEADER,
        ...Object.values(DEPTH_HEADERS),
        RENDER_CACHE_HEADER,
        'Content-Disposition',
      ],
    });
  }
  express.useWebSocketAdapter(new RealtimeIoAdapter(express, config.corsOrigins));
}
