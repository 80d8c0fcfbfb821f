import { readFileSync } from 'node:fs';
import { photo } from './helpers/paths';
import { startApp, TestApp, waitReady } from './helpers/test-app';

const cat = () => readFileSync(photo('chelsea_cat_small.jpg'));
const STATUS = '/api/v1/depth/0b8e0f43-8d0b-4a5e-9a2f-1d2c3b4a5f60';

async function statuses(t: TestApp, count: number, forwardedFor?: (i: number) => string) {
  const codes: number[] = [];
  for (let i = 0; i < count; i++) {
    const req = t.http().get(STATUS);
    if (forwardedFor) void req.set('X-Forwarded-For', forwardedFor(i));
    codes.push((await req).status);
  }
  return codes;
}

describe('rate limits: separate upload and read budgets per client IP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ UPLOAD_RATE_LIMIT: '2', READ_RATE_LIMIT: '3' });
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('limits reads on their own budget, with Retry-After, and leaves uploads their own', async () => {
    expect(await statuses(t, 3)).toEqual([404, 404, 404]);
    const limited = await t.http().get(STATUS).expect(429);
    expect(limited.body).toMatchObject({ statusCode: 429, code: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await t.http().get('/api/v1/outputs').expect(429);
    await t.http().get('/result/0b8e0f43-8d0b-4a5e-9a2f-1d2c3b4a5f60').expect(429);
    // Probes and the page are never throttled.
    await t.http().get('/healthz').expect(200);
    await t.http().get('/metrics').expect(200);
    await t.http().get('/').expect(200);

    await t.http().post('/api/v1/depth').attach('file', cat(), 'cat.jpg').expect(202);
    await t.http().post('/upload').attach('file', cat(), 'cat.jpg').expect(200);
    const uploadLimited = await t.http().post('/api/v1/depth').attach('file', cat(), 'cat.jpg');
    expect(uploadLimited.status).toBe(429);
    expect(Number(uploadLimited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});

describe('rate limits and X-Forwarded-For', () => {
  it('with TRUST_PROXY off, a forged X-Forwarded-For does not reset the limit', async () => {
    const t = await startApp({ READ_RATE_LIMIT: '3' });
    try {
      const codes = await statuses(t, 6, (i) => `203.0.113.${i}`);
      expect(codes).toEqual([404, 404, 404, 429, 429, 429]);
    } finally {
      await t.close();
    }
  });

  it('with TRUST_PROXY naming the proxy, each forwarded client gets its own budget', async () => {
    const t = await startApp({ READ_RATE_LIMIT: '3', TRUST_PROXY: 'loopback' });
    try {
      expect(await statuses(t, 6, (i) => `203.0.113.${i}`)).toEqual([404, 404, 404, 404, 404, 404]);
      expect(await statuses(t, 4, () => '198.51.100.7')).toEqual([404, 404, 404, 429]);
    } finally {
      await t.close();
    }
  });
});
