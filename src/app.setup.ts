import type { NestApplicationOptions } from '@nestjs/common';

/**
 * Options shared by main.ts and the e2e tests, so tests run the app exactly
 * as production does. Multipart bodies are streamed by the upload
 * interceptor, and no route takes a JSON body, so no body parser is needed.
 */
export const APP_OPTIONS: NestApplicationOptions = { bodyParser: false };
