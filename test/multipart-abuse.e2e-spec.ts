import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { ResultFiles } from '../src/results/result-files';
import { SEGMENT_NAME } from '../src/results/segment-file';
import { ResultsStore } from '../src/results/results.store';
import { multipartBody, type MultipartPart } from './helpers/corpus';
import { photo } from './helpers/paths';
import { listen, sleep, startApp, TestApp, waitFinished, waitReady } from './helpers/test-app';

const LIMIT = 64 * 1024;
const BODY_IDLE_MS = 1000;
const HEADERS_MS = 1000;
const REQUEST_MS = 5000;
const UUID_FILE =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.[a-z0-9.]+$/;
const cat = readFileSync(photo('chelsea_cat_small.jpg'));

/** Multipart abuse, slow clients and hostile filenames against the real app and its HTTP server. */
describe('multipart abuse and slow clients', () => {
  let t: TestApp;
  let port: number;
  /** Figures for the report, printed at the end. */
  const stats: Record<string, unknown> = {};
  /** Bytes the server read from each closed connection, by the client's port. */
  const bytesRead = new Map<number, number>();

  beforeAll(async () => {
    t = await startApp({
      MAX_UPLOAD_BYTES: String(LIMIT),
      UPLOAD_BODY_TIMEOUT_MS: String(BODY_IDLE_MS),
      HEADERS_TIMEOUT_MS: String(HEADERS_MS),
      REQUEST_TIMEOUT_MS: String(REQUEST_MS),
    });
    port = await listen(t);
    (t.app.getHttpServer() as Server).on('connection', (socket: Socket) => {
      const clientPort = socket.remotePort as number;
      socket.once('close', () => bytesRead.set(clientPort, socket.bytesRead));
    });
    await waitReady(t);
  });
  afterAll(async () => {
    console.log(`multipart abuse figures: ${JSON.stringify(stats)}`);
    await t.close();
  });

  const post = (parts: MultipartPart[]) => {
    const { body, contentType } = multipartBody(parts);
    return t.http().post('/api/v1/depth').set('Content-Type', contentType).send(body);
  };
  const image = (name = 'file', filename = 'cat.jpg'): MultipartPart => ({
    name,
    filename,
    contentType: 'image/jpeg',
    data: cat,
  });
  const queueDepth = async () =>
    ((await t.http().get('/healthz')).body as { details: { queue: { depth: number } } }).details
      .queue.depth;

  it.each([
    ['no file part at all', [{ name: 'foo', data: 'bar' }], 'no_file', /No file uploaded/],
    ['a text field named "file"', [{ name: 'file', data: 'cat.jpg' }], 'no_file', /No file/],
    ['two files in "file"', [image(), image()], 'malformed_upload', /exactly one file/],
    ['a second file field', [image(), image('other')], 'malformed_upload', /"other"/],
    ['only another file field', [image('image')], 'malformed_upload', /"image"/],
    [
      '21 text fields',
      [...Array.from({ length: 21 }, (_, i) => ({ name: `f${i}`, data: 'x' })), image()],
      'malformed_upload',
      /Too many fields/,
    ],
    [
      'an empty filename (a form sent with no file picked)',
      [{ ...image('file', ''), contentType: 'application/octet-stream', data: '' }],
      'empty_filename',
      /Empty filename/,
    ],
  ])('answers 400 for %s', async (_label, parts, code, message) => {
    const res = await post(parts);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, code, error: expect.stringMatching(message) });
  });

  it('answers 400 for a body that is not multipart', async () => {
    const res = await t
      .http()
      .post('/api/v1/depth')
      .set('Content-Type', 'application/json')
      .send('{"file":"x"}');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'malformed_upload' });
  });

  it('ignores an ordinary text field beside the file (forms send them)', async () => {
    const res = await post([{ name: 'foo', data: 'bar' }, image()]);
    expect(res.status).toBe(202);
    expect(await waitFinished(t, (res.body as { id: string }).id)).toMatchObject({
      status: 'done',
    });
  });

  it('refuses an endless chunked body with 413 while it is still arriving, reading a bounded amount', async () => {
    const total = 64 * 1024 * 1024;
    // A chunked body has no Content-Length, so the early refusal cannot apply.
    const frame = (data: Buffer | string) =>
      Buffer.concat([
        Buffer.from(`${Buffer.byteLength(data).toString(16)}\r\n`),
        Buffer.from(data),
        Buffer.from('\r\n'),
      ]);
    const chunk = frame(Buffer.alloc(64 * 1024, 0xab));
    const conn = rawConnection();
    conn.socket.write(
      `POST /api/v1/depth HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n` +
        `Content-Type: ${multipartBody([]).contentType}\r\n\r\n`,
    );
    conn.socket.write(
      frame(
        '--hostile-boundary-7d1\r\nContent-Disposition: form-data; name="file"; ' +
          'filename="big.jpg"\r\n\r\n',
      ),
    );
    let written = 0;
    let writtenAtResponse = -1;
    conn.socket.on('data', () => {
      if (writtenAtResponse < 0) writtenAtResponse = written;
    });
    const pump = () => {
      while (written < total && !conn.socket.destroyed) {
        written += 64 * 1024;
        if (!conn.socket.write(chunk)) return void conn.socket.once('drain', pump);
      }
    };
    pump();
    const closedAfter = await conn.closed;
    const [head, json] = conn.received().split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 413 /);
    expect(JSON.parse(json)).toEqual({
      statusCode: 413,
      code: 'upload_too_large',
      error: `The upload exceeds the ${LIMIT}-byte limit.`,
    });
    // The answer came while the client was still sending, and the server cut
    // the connection rather than read 64 MiB: it read the limit plus a
    // bounded drain (8 MiB), however long the client would have gone on.
    expect(writtenAtResponse).toBeGreaterThan(0);
    expect(writtenAtResponse).toBeLessThan(total);
    expect(written).toBeLessThan(total);
    expect(closedAfter).toBeLessThan(REQUEST_MS);
    await sleep(100);
    const serverRead = bytesRead.get(conn.localPort()) as number;
    expect(serverRead).toBeGreaterThan(LIMIT);
    expect(serverRead).toBeLessThan(LIMIT + 8 * 1024 * 1024 + 1024 * 1024);
    stats.endless = { writtenAtResponse, written, serverRead, closedAfter };
    expect(await queueDepth()).toBe(0);
  });

  /** A raw connection: what was received, and when the server closed it. */
  function rawConnection() {
    const socket = connect(port, '127.0.0.1');
    const opened = Date.now();
    let localPort = 0;
    socket.on('connect', () => (localPort = socket.localPort as number));
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<number>((resolve) =>
      socket.on('close', () => resolve(Date.now() - opened)),
    );
    return { socket, closed, received: () => received, localPort: () => localPort };
  }

  it('answers 408 and closes the connection when an upload body goes idle (slow loris)', async () => {
    const resultsBefore = readdirSync(t.config.resultsDir);
    const { body, contentType } = multipartBody([image()]);
    const conn = rawConnection();
    conn.socket.write(
      `POST /api/v1/depth HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${contentType}\r\n` +
        `Content-Length: ${body.length}\r\n\r\n`,
    );
    conn.socket.write(body.subarray(0, 200));
    // One more byte after a gap longer than the idle limit: too late.
    const late = setTimeout(() => conn.socket.write(body.subarray(200, 201)), BODY_IDLE_MS * 2.5);
    const closedAfter = await conn.closed;
    clearTimeout(late);
    expect(closedAfter).toBeGreaterThanOrEqual(BODY_IDLE_MS);
    expect(closedAfter).toBeLessThan(BODY_IDLE_MS * 2.5);
    const [head, json] = conn.received().split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 408 /);
    expect(head).toMatch(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(json)).toEqual({
      statusCode: 408,
      code: 'request_timeout',
      error: `The upload sent nothing for ${BODY_IDLE_MS} ms; the request was closed.`,
    });
    expect(await queueDepth()).toBe(0);
    expect(readdirSync(t.config.resultsDir)).toEqual(resultsBefore);
  });

  it('lets a slow upload through while its body keeps moving', async () => {
    const { body, contentType } = multipartBody([image()]);
    const conn = rawConnection();
    conn.socket.write(
      `POST /api/v1/depth HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${contentType}\r\n` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    );
    // 8 pieces, 300 ms apart: twice the idle limit in all, never idle for one.
    const piece = Math.ceil(body.length / 8);
    for (let i = 0; i < 8; i++) {
      conn.socket.write(body.subarray(i * piece, (i + 1) * piece));
      await sleep(BODY_IDLE_MS * 0.3);
    }
    await conn.closed;
    const [head, json] = conn.received().split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 202 /);
    const id = (JSON.parse(json) as { id: string }).id;
    expect(await waitFinished(t, id)).toMatchObject({ status: 'done' });
  });

  it('cuts a body that trickles under the idle limit at REQUEST_TIMEOUT_MS', async () => {
    const { body, contentType } = multipartBody([image()]);
    const conn = rawConnection();
    conn.socket.write(
      `POST /api/v1/depth HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${contentType}\r\n` +
        `Content-Length: ${body.length}\r\n\r\n`,
    );
    let sent = 0;
    const trickle = setInterval(() => {
      if (!conn.socket.destroyed) conn.socket.write(body.subarray(sent, ++sent));
    }, BODY_IDLE_MS * 0.3);
    const closedAfter = await conn.closed;
    clearInterval(trickle);
    expect(closedAfter).toBeGreaterThanOrEqual(REQUEST_MS);
    expect(closedAfter).toBeLessThan(REQUEST_MS + 3000);
    expect(sent).toBeLessThan(body.length);
    expect(conn.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(await queueDepth()).toBe(0);
  });

  it('closes a connection whose headers never finish (HEADERS_TIMEOUT_MS)', async () => {
    const conn = rawConnection();
    conn.socket.write('POST /api/v1/depth HTTP/1.1\r\nHost: localhost\r\n');
    // A header line every 200 ms keeps the socket busy but never ends the headers.
    let n = 0;
    const trickle = setInterval(() => {
      if (!conn.socket.destroyed) conn.socket.write(`X-Slow-${n++}: 1\r\n`);
    }, 200);
    const closedAfter = await conn.closed;
    clearInterval(trickle);
    expect(closedAfter).toBeGreaterThanOrEqual(HEADERS_MS);
    expect(closedAfter).toBeLessThan(HEADERS_MS + 3000);
    expect(conn.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
  });

  it('never puts a client-chosen name on disk', async () => {
    const resultsDir = t.config.resultsDir;
    const parent = dirname(resultsDir);
    const parentBefore = readdirSync(parent).sort();
    // Names are only ever logged. busboy refuses control characters and part
    // headers over 16 KiB outright; everything else is accepted and ignored.
    const names: [string, number][] = [
      ['../../etc/passwd', 202],
      ['../../../../tmp/depthserve-escape.jpg', 202],
      ['a/b.jpg', 202],
      ['..\\..\\windows\\win.ini', 202],
      [`${'x'.repeat(4000)}.jpg`, 202],
      ['nul\0byte.jpg', 400],
      [`${'y'.repeat(20_000)}.jpg`, 400],
    ];
    for (const [filename, status] of names) {
      const res = await post([image('file', filename)]);
      const label = filename.slice(0, 40);
      expect({ label, status: res.status }).toEqual({ label, status });
      if (status === 400) {
        expect(res.body).toMatchObject({
          code: 'malformed_upload',
          error: expect.stringMatching(/Malformed part header/),
        });
        continue;
      }
      expect(await waitFinished(t, (res.body as { id: string }).id)).toMatchObject({
        status: 'done',
      });
    }
    await t.app.get(ResultsStore).flushed();
    // Job outputs are in segment files, renderings in files named by job id: the server's names.
    const files = readdirSync(resultsDir);
    expect(files.length).toBeGreaterThanOrEqual(1);
    const serverNamed = new RegExp(`${SEGMENT_NAME.source}|${UUID_FILE.source}`);
    for (const file of files) expect(file).toMatch(serverNamed);
    expect(readdirSync(parent).sort()).toEqual(parentBefore);
    expect(readdirSync('/tmp')).not.toContain('depthserve-escape.jpg');
  });

  it('builds result paths only from UUIDs (the ResultFiles guard)', () => {
    const files = new ResultFiles(t.config.resultsDir);
    const kind = { format: 'png', colormap: 'inferno' } as const;
    for (const id of ['../../etc/passwd', 'a/b', '', 'x'.repeat(36), 'nul\0byte']) {
      expect(() => files.path(id, kind)).toThrow('Refusing to build a result path');
    }
    const id = '0b6f6d3a-6a3e-4d7c-9b1e-2f4f5a6b7c8d';
    expect(files.path(id, kind)).toBe(`${t.config.resultsDir}/${id}.inferno.png`);
  });
});
