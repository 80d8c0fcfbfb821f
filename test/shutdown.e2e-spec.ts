import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { SOCKET_ID_HEADER } from '../src/realtime/realtime.events';
import { multipartBody } from './helpers/corpus';
import { model, photo } from './helpers/paths';
import { ServerProcess } from './helpers/server-process';
import { RecordingClient } from './helpers/socket-client';
import { sleep, until } from './helpers/test-app';

const cat = () => readFileSync(photo('chelsea_cat_small.jpg'));

async function upload(url: string, image: Buffer, socketId?: string): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([image]), 'photo.jpg');
  const headers: Record<string, string> = socketId ? { [SOCKET_ID_HEADER]: socketId } : {};
  return fetch(`${url}/api/v1/depth`, { method: 'POST', body: form, headers });
}

/** Uploads `count` photos followed over Socket.IO by `client`; returns their ids in order. */
async function uploadAll(url: string, images: Buffer[], client: RecordingClient) {
  const ids: string[] = [];
  for (const image of images) {
    const res = await upload(url, image, client.socket.id);
    expect(res.status).toBe(202);
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

/** Resolves once the server has logged a line matching `pattern`. */
async function logged(server: ServerProcess, pattern: RegExp, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(server.output)) {
    if (Date.now() > deadline) throw new Error(`Never logged ${pattern}:\n${server.output}`);
    await sleep(5);
  }
}

const ABORTED = /terminate called|Aborted|core dumped/;

describe('SIGTERM with jobs in flight (the built server in its own process)', () => {
  let server: ServerProcess | undefined;
  let client: RecordingClient | undefined;

  afterEach(() => {
    client?.close();
    server?.kill();
  });

  it('answers 503 at once, finishes queued and running jobs, pushes their final events, and exits 0', async () => {
    server = await ServerProcess.start({ MODEL_PATH: model('slow'), SHUTDOWN_GRACE_MS: '25000' });
    client = await RecordingClient.connectTo(server.url);
    const ids = await uploadAll(server.url, [cat(), cat(), cat(), cat()], client);
    await client.waitFor((e) => e.name === 'job.started' && e.payload.id === ids[0]);

    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await logged(server, /Shutting down: draining 3 queued and 1 running jobs within 25000 ms/);
    const drainAfterMs = Date.now() - signalledAt;
    // The listener stays open while jobs drain: probes and uploads get an answer, not a refused connection.
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { details: object }).details).toMatchObject({
      queue: { status: 'down', accepting: false },
    });
    const refused = await upload(server.url, cat());
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'shutting_down' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${server.url}/livez`)).status).toBe(200);

    // A result finished during the drain can still be fetched before the process exits.
    await client.final(ids[1], 20_000);
    const result = await fetch(`${server.url}/api/v1/depth/${ids[1]}/result`);
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('image/png');
    expect((await sharp(Buffer.from(await result.arrayBuffer())).metadata()).format).toBe('png');
    expect(server.running).toBe(true);

    const finals = await Promise.all(ids.map((id) => client!.final(id, 30_000)));
    expect(finals.map((event) => event.name)).toEqual(Array(4).fill('job.completed'));
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const shutdownMs = Date.now() - signalledAt;
    expect(server.output).not.toMatch(ABORTED);
    expect(server.output).not.toContain('(shutdown)');
    for (const id of ids) expect(server.output).toContain(`Job ${id} done`);
    expect(server.output).toMatch(/Drained every job in \d+ ms/);
    console.log(
      `Shutdown drain: 503 from ${drainAfterMs} ms after SIGTERM, exit 0 after ${shutdownMs} ms.`,
    );
  });

  it('does not let an upload trickling in hold the exit: its connection is cut 2 s after the drain', async () => {
    server = await ServerProcess.start({ MODEL_PATH: model('tiny') });
    // A byte every 100 ms stays under the body idle limit; only REQUEST_TIMEOUT_MS (120 s) would end it.
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    const { body, contentType } = multipartBody([
      { name: 'file', filename: 'slow.jpg', contentType: 'image/jpeg', data: cat() },
    ]);
    socket.write(
      `POST /api/v1/depth HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\n` +
        `Content-Length: ${body.length}\r\n\r\n`,
    );
    let sent = 200;
    socket.write(body.subarray(0, sent));
    const trickle = setInterval(() => socket.write(body.subarray(sent, ++sent)), 100);
    // The cut may come as a reset (the server drops unread bytes) or a close; both end in
    // 'close'. events.once would reject on the reset's 'error' instead.
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.on('error', () => undefined);
    await sleep(300);

    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const exitMs = Date.now() - signalledAt;
    clearInterval(trickle);
    await closed;
    expect(server.output).toMatch(/1 connections were still busy after 2000 ms and were cut/);
    expect(exitMs).toBeGreaterThanOrEqual(2_000);
    expect(exitMs).toBeLessThan(8_000);
    console.log(`Shutdown with an upload trickling in: exit 0 after ${exitMs} ms.`);
  });

  it('at the grace deadline fails unfinished jobs with reason shutdown, never aborting inside ONNX Runtime', async () => {
    server = await ServerProcess.start({ MODEL_PATH: model('slow'), SHUTDOWN_GRACE_MS: '300' });
    client = await RecordingClient.connectTo(server.url);
    const ids = await uploadAll(server.url, [cat(), cat(), cat(), cat()], client);
    await client.waitFor((e) => e.name === 'job.started' && e.payload.id === ids[0]);
    server.child.kill('SIGTERM');

    const finals = await Promise.all(ids.map((id) => client!.final(id, 30_000)));
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output).not.toMatch(ABORTED);
    expect(server.output).toContain('Shutdown grace of 300 ms is over');
    // The running job is cancelled cooperatively, never by terminating its thread.
    expect(server.output).not.toContain('Terminating the worker');
    const failed = finals.filter((event) => event.name === 'job.failed');
    expect(failed.map((event) => event.payload.id)).toContain(ids[3]);
    for (const event of failed) {
      expect(event.payload).toMatchObject({
        reason: 'shutdown',
        message: expect.stringContaining('300 ms grace period'),
      });
    }
  });

  it('terminates a worker hung outside ONNX Runtime at the deadline, and still exits 0', async () => {
    server = await ServerProcess.start({
      MODEL_PATH: model('tiny'),
      FAULT_INJECTION: 'true',
      SHUTDOWN_GRACE_MS: '500',
      JOB_TIMEOUT_MS: '60000',
    });
    client = await RecordingClient.connectTo(server.url);
    const hang = await sharp(cat())
      .withExif({ IFD0: { ImageDescription: 'depthserve-fault=worker-hang' } })
      .jpeg()
      .toBuffer();
    const ids = await uploadAll(server.url, [hang, cat()], client);
    await client.waitFor((e) => e.name === 'job.started' && e.payload.id === ids[0]);
    server.child.kill('SIGTERM');

    const finals = await Promise.all(ids.map((id) => client!.final(id, 20_000)));
    expect(finals.map((event) => [event.name, event.payload.reason])).toEqual([
      ['job.failed', 'shutdown'],
      ['job.failed', 'shutdown'],
    ]);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output).toContain(
      `Terminating the worker of cancelled job ${ids[0]} during Decode`,
    );
    expect(server.output).not.toMatch(ABORTED);
  });
});

describe('a model that cannot be loaded (the built server in its own process)', () => {
  let server: ServerProcess | undefined;

  afterEach(() => server?.kill());

  /** Live, not ready, retrying, never exiting; then a clean exit on SIGTERM. */
  async function expectLiveButNotReady(message: RegExp): Promise<void> {
    const live = server!;
    // Retries after 1 s, then 2 s: three attempts, and still running after them.
    await until(() => live.count(/The model could not be loaded/) >= 3, 'three attempts failed');
    expect(live.running).toBe(true);
    expect((await fetch(`${live.url}/livez`)).status).toBe(200);
    const health = await fetch(`${live.url}/healthz`);
    expect(health.status).toBe(503);
    const body = (await health.json()) as { details: { model: Record<string, unknown> } };
    expect(body.details.model).toMatchObject({ status: 'down', loaded: false, phase: 'failed' });
    expect(body.details.model.message).toMatch(message);
    const refused = await upload(live.url, cat());
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'model_not_ready' });
    expect(await live.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(live.output).not.toMatch(ABORTED);
  }

  it('stays live but not ready when MODEL_PATH is not an ONNX file, and says so', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'depthserve-corrupt-')), 'model.onnx');
    writeFileSync(path, 'this is a text file, not an ONNX model\n');
    server = await ServerProcess.start({ MODEL_PATH: path, MODEL_RETRY_SECONDS: '1' }, false);
    await expectLiveButNotReady(/ONNX Runtime could not load .*model\.onnx.*Replace the file/);
  });

  it('stays live but not ready when the catalog model has the wrong sha256 and downloads are off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'depthserve-models-'));
    writeFileSync(join(dir, 'midas-v21-small-256.onnx'), randomBytes(4096));
    server = await ServerProcess.start(
      { MODEL_PATH: '', MODELS_DIR: dir, MODEL_DOWNLOAD: 'false', MODEL_RETRY_SECONDS: '1' },
      false,
    );
    await expectLiveButNotReady(
      /midas-v21-small-256\.onnx has sha256 [0-9a-f]{64}, expected 2d8c6cb8.*corrupt/,
    );
  });
});
