import { readFileSync } from 'node:fs';
import { io } from 'socket.io-client';
import { JOBS_NAMESPACE } from '../src/realtime/realtime.events';
import { photo } from './helpers/paths';
import { listen, startApp, TestApp, waitFinished, waitReady } from './helpers/test-app';

const cat = () => readFileSync(photo('chelsea_cat_small.jpg'));
const EVIL = 'http://evil.example';

/** Connects to the jobs namespace with a given Origin header; resolves true if the server let it in. */
async function socketAccepted(t: TestApp, origin?: string): Promise<boolean> {
  const port = await listen(t);
  const socket = io(`http://127.0.0.1:${port}${JOBS_NAMESPACE}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: origin ? { origin } : {},
  });
  try {
    return await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('connect_error', () => resolve(false));
    });
  } finally {
    socket.disconnect();
  }
}

describe('security headers, CORS and origins (defaults)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('sends helmet headers and a CSP that allows the page its own assets only', async () => {
    const res = await t.http().get('/').expect(200);
    const csp = String(res.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' blob:",
      "connect-src 'self'",
      "object-src 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|upgrade-insecure-requests|\*/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('has CORS off by default: no cross-origin grant, not even on a preflight', async () => {
    const simple = await t.http().get('/api/v1/outputs').set('Origin', EVIL).expect(200);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t
      .http()
      .options('/api/v1/depth')
      .set('Origin', EVIL)
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets Socket.IO in from its own origin or a non-browser client, and not from another site', async () => {
    const port = await listen(t);
    expect(await socketAccepted(t)).toBe(true);
    expect(await socketAccepted(t, `http://127.0.0.1:${port}`)).toBe(true);
    expect(await socketAccepted(t, EVIL)).toBe(false);
  });

  it('serves results with a fixed type, a server-made file name and nosniff', async () => {
    const up = await t.http().post('/api/v1/depth').attach('file', cat(), '"><x.jpg').expect(202);
    const id = up.body.id as string;
    await waitFinished(t, id);
    const res = await t.http().get(`/api/v1/depth/${id}/result?colormap=magma`).expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-disposition']).toBe(`inline; filename="depth-${id}-magma.png"`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const legacy = await t.http().get(`/result/${id}`).expect(200);
    expect(legacy.headers['content-type']).toBe('image/jpeg');
    expect(legacy.headers['content-disposition']).toBe(`inline; filename="depth-${id}.jpg"`);
  });

  it('rejects ids that are not UUIDs before any lookup, on every route', async () => {
    for (const path of [
      '/api/v1/depth/..%2F..%2Fetc%2Fpasswd',
      '/api/v1/depth/%2e%2e/result',
      '/api/v1/depth/0B8E0F43-8D0B-4A5E-9A2F-1D2C3B4A5F60',
      '/result/..%2Fpackage.json',
    ]) {
      const res = await t.http().get(path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body.code ?? res.body.error).toBeDefined();
      expect(JSON.stringify(res.body)).not.toMatch(/passwd|package\.json|\.\./);
    }
  });
});

describe('CORS_ORIGINS', () => {
  let t: TestApp;
  const APP = 'https://app.example.com';

  beforeAll(async () => {
    t = await startApp({ CORS_ORIGINS: APP });
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('grants exactly the listed origins, over HTTP and Socket.IO', async () => {
    const allowed = await t.http().get('/api/v1/outputs').set('Origin', APP).expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(APP);
    const other = await t.http().get('/api/v1/outputs').set('Origin', EVIL).expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(await socketAccepted(t, APP)).toBe(true);
    expect(await socketAccepted(t, EVIL)).toBe(false);
  });
});

describe('error bodies', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ MODEL_PATH: '/nonexistent/secret-dir/depth-model.onnx' });
  });
  afterAll(() => t.close());

  it('never carry stack traces or file paths', async () => {
    const bodies = [
      (await t.http().get('/api/v1/depth/nope')).text,
      (await t.http().get('/api/v1/depth/0b8e0f43-8d0b-4a5e-9a2f-1d2c3b4a5f60/result')).text,
      (await t.http().post('/api/v1/depth').attach('file', cat(), 'cat.jpg')).text,
      (await t.http().post('/upload').attach('file', Buffer.from('hello'), 'a.txt')).text,
      (await t.http().get('/healthz')).text,
    ];
    expect(bodies[2]).toContain('depth-model.onnx');
    for (const body of bodies) {
      expect(body).not.toMatch(
        /\/nonexistent|secret-dir|\/work\/|node_modules|\bat \S+ \(|\.ts:\d+/,
      );
    }
  });
});
