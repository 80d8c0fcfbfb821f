import {
  Controller,
  Get,
  INestApplication,
  Logger,
  MiddlewareConsumer,
  Module,
  NestModule,
  NotFoundException,
  RequestMethod,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { QueueFullError } from '../../jobs/errors/job.errors';
import { RequestLoggingMiddleware } from '../logging/request-logging.middleware';
import { DomainExceptionFilter } from './domain-exception.filter';

/** Routes that fail the three ways the filter tells apart. */
@Controller('fail')
class FailingController {
  @Get('unexpected')
  unexpected(): never {
    throw new TypeError(
      "Cannot read properties of undefined (reading 'dims') in /srv/depthserve/x.js",
    );
  }

  @Get('domain')
  domain(): never {
    throw new QueueFullError(64, 7);
  }

  @Get('http')
  http(): never {
    throw new NotFoundException('No such thing.');
  }
}

@Module({
  controllers: [FailingController],
  providers: [{ provide: APP_FILTER, useClass: DomainExceptionFilter }],
})
class FailingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(RequestLoggingMiddleware)
      .forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}

describe('DomainExceptionFilter over real HTTP', () => {
  let app: INestApplication;
  let errors: jest.SpyInstance;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [FailingModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(() => app.close());

  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => errors.mockRestore());

  it('answers an unexpected error with a bare 500 and logs it under the request id', async () => {
    const res = await request(app.getHttpServer())
      .get('/fail/unexpected')
      .set('X-Request-Id', 'req-unexpected-1');

    expect(res.status).toBe(500);
    expect(res.body).toEqual({ statusCode: 500, code: 'internal', error: 'Internal server error' });
    expect(res.text).not.toMatch(/dims|srv|TypeError|at /);
    const lines = errors.mock.calls.map(([line]) => line as { msg: string; requestId?: string });
    expect(lines).toHaveLength(1);
    expect(lines[0].requestId).toBe('req-unexpected-1');
    expect(lines[0].msg).toMatch(/^Unhandled error on GET \/fail\/unexpected: TypeError: .*dims/);
  });

  it('maps a domain error to its status, code and Retry-After, without logging an error', async () => {
    const res = await request(app.getHttpServer()).get('/fail/domain');

    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.body).toMatchObject({ statusCode: 503, code: 'queue_full' });
    expect(res.body.error).toMatch(/queue is full \(64 jobs/);
    expect(errors).not.toHaveBeenCalled();
  });

  it("keeps Nest's HTTP exceptions' status and message in the same shape", async () => {
    const res = await request(app.getHttpServer()).get('/fail/http');

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ statusCode: 404, code: 'not_found', error: 'No such thing.' });
  });
});
