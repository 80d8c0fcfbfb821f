import type { INestApplication } from '@nestjs/common';
import { AbstractLoader, ExpressLoader } from '@nestjs/serve-static';
import { Test } from '@nestjs/testing';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { APP_OPTIONS, configureHttpServer } from '../../src/app.setup';
import { applySecurity } from '../../src/common/security/security.setup';
import { AppConfig } from '../../src/config/app-config';
import { model } from './paths';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

/** The real AppModule with config from the given env; models and results live in temp dirs. */
export async function startApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = AppConfig.fromEnv({
    MODEL_PATH: model('tiny'),
    RESULTS_DIR: mkdtempSync(join(tmpdir(), 'depthserve-test-')),
    UPLOAD_RATE_LIMIT: 'off',
    READ_RATE_LIMIT: 'off',
    // Suites upload the same photos over and over and expect a job each time;
    // test/dedupe.e2e-spec.ts turns it on.
    DEDUPE: 'off',
    WORKERS: '2',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(config)
    // ServeStaticModule picks its loader while the module compiles, before a
    // testing module has an HTTP adapter, and would silently serve nothing.
    .overrideProvider(AbstractLoader)
    .useValue(new ExpressLoader())
    .compile();
  const app = moduleRef.createNestApplication({ ...APP_OPTIONS, logger: false });
  applySecurity(app, config);
  configureHttpServer(app, config);
  await app.init();
  const server = app.getHttpServer() as Parameters<typeof request>[0];
  return { app, config, http: () => request(server), close: () => app.close() };
}

/** Listens on a loopback port (once) for tests that need a real socket; returns the port. */
export async function listen(t: TestApp): Promise<number> {
  const server = t.app.getHttpServer() as Server;
  if (!server.listening) await t.app.listen(0, '127.0.0.1');
  return (server.address() as AddressInfo).port;
}

/** Polls /healthz until it answers 200. */
export async function waitReady(t: TestApp, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await t.http().get('/healthz');
    if (res.status === 200) return;
    await sleep(50);
  }
  throw new Error('The app did not become ready in time.');
}

/** Polls a job's status until it is done or failed. */
export async function waitFinished(t: TestApp, id: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await t.http().get(`/api/v1/depth/${id}`).expect(200);
    const body = res.body as { status: string };
    if (body.status === 'done' || body.status === 'failed') return res.body as JobStatusBody;
    await sleep(25);
  }
  throw new Error(`Job ${id} did not finish in time.`);
}

/**
 * Resolves once `check` holds, polling; fails the test after a while. For
 * whatever must happen eventually: a fixed sleep before asserting it fails
 * whenever a loaded machine is slower than the sleep.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}.`);
    await sleep(10);
  }
}

/** Loose view of a job status body, for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JobStatusBody = Record<string, any>;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
