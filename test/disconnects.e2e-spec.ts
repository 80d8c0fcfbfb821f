import { readdirSync, readFileSync } from 'node:fs';
import { IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import sharp from 'sharp';
import { JobsService } from '../src/jobs/jobs.service';
import { JobEvents } from '../src/results/job-events';
import { SEGMENT_NAME } from '../src/results/segment-file';
import { ResultsStore } from '../src/results/results.store';
import { photo } from './helpers/paths';
import { listen, sleep, startApp, TestApp, waitFinished, waitReady } from './helpers/test-app';

const street = () => readFileSync(photo('street_london_2048.jpg'));

const connections = (server: Server) =>
  new Promise<number>((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );

/** Waits until the server holds exactly `expected` open connections. */
async function settleConnections(server: Server, expected: number): Promise<number> {
  const deadline = Date.now() + 5000;
  let count = await connections(server);
  while (count !== expected && Date.now() < deadline) {
    await sleep(25);
    count = await connections(server);
  }
  return count;
}

describe('clients that disconnect mid-transfer', () => {
  let t: TestApp;
  let port: number;
  let server: Server;
  let baseline: { listeners: number; connections: number };

  beforeAll(async () => {
    t = await startApp({ WORKERS: '2' });
    port = await listen(t);
    server = t.app.getHttpServer() as Server;
    await waitReady(t);
    baseline = {
      listeners: t.app.get(JobEvents).listenerCount,
      connections: await settleConnections(server, 0),
    };
  });
  afterAll(() => t.close());

  /**
   * Nothing left behind: no job, no stray result file (only the segment files
   * the finished jobs' results are in), no listener, no open connection.
   */
  async function expectNoLeak(segmentFiles: number, atMost = segmentFiles): Promise<void> {
    expect(t.app.get(JobsService).depth).toBe(0);
    await t.app.get(ResultsStore).flushed();
    const files = readdirSync(t.config.resultsDir);
    for (const file of files) expect(file).toMatch(SEGMENT_NAME);
    expect(files.length).toBeGreaterThanOrEqual(segmentFiles);
    expect(files.length).toBeLessThanOrEqual(atMost);
    expect(t.app.get(JobEvents).listenerCount).toBe(baseline.listeners);
    expect(await settleConnections(server, baseline.connections)).toBe(baseline.connections);
  }

  it('mid-upload: leaves no job, file, listener or connection behind, and keeps serving', async () => {
    const body = street();
    for (let i = 0; i < 5; i++) {
      const req = request({
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/api/v1/depth',
        headers: {
          'content-type': 'multipart/form-data; boundary=b',
          'content-length': body.length + 200,
        },
      });
      req.on('error', () => undefined);
      req.write('--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n');
      req.write(body.subarray(0, 100_000 * (i + 1)));
      await sleep(50);
      req.destroy();
    }
    await sleep(200);
    expect(t.app.get(ResultsStore).size).toBe(0);
    await expectNoLeak(0);
    const ok = await t.http().post('/api/v1/depth').attach('file', street(), 'a.jpg').expect(202);
    expect((await waitFinished(t, ok.body.id)).status).toBe('done');
    await expectNoLeak(1);
  });

  it('mid-download: an aborted result response leaks nothing, and the result is served again in full', async () => {
    const before = readdirSync(t.config.resultsDir).length;
    // 16 MP: a heatmap of about 4 MB.
    const big = await sharp(street()).resize(4896, 3264).jpeg({ quality: 90 }).toBuffer();
    const up = await t.http().post('/api/v1/depth').attach('file', big, 'big.jpg').expect(202);
    const id = up.body.id as string;
    expect((await waitFinished(t, id)).status).toBe('done');
    const full = await t.http().get(`/api/v1/depth/${id}/result`).expect(200);
    const size = (full.body as Buffer).length;

    // Wait for the server's side of the response to close. Loopback socket buffers can
    // absorb the whole body, so whether the server saw the write fail is up to the kernel.
    const served = new Promise<ServerResponse>((resolve) => {
      const onRequest = (req: IncomingMessage, res: ServerResponse) => {
        if (!req.url?.endsWith(`${id}/result`)) return;
        server.off('request', onRequest);
        res.once('close', () => resolve(res));
      };
      server.on('request', onRequest);
    });
    // A raw socket that reads its first bytes and is destroyed in the same callback.
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(`GET /api/v1/depth/${id}/result HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const firstChunk = await new Promise<Buffer>((resolve) =>
      socket.once('data', (chunk: Buffer) => {
        socket.destroy();
        resolve(chunk);
      }),
    );
    expect(firstChunk.toString('latin1')).toMatch(/^HTTP\/1\.1 200/);
    expect(firstChunk.length).toBeLessThan(size);
    await served;

    // In the earlier job's segment, or a new one should that segment have aged meanwhile.
    await expectNoLeak(before, before + 1);
    const again = await t.http().get(`/api/v1/depth/${id}/result`).expect(200);
    expect((again.body as Buffer).length).toBe(size);
    console.log(`Mid-download abort after ${firstChunk.length} of ${size} bytes.`);
  });
});
