import {
  Agent,
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { HttpCloser } from './http-closer';

/*
 * A real HTTP server and real keep-alive clients: the ways a plain
 * server.close() is held open, and what the closer does about each.
 */

const GRACE_MS = 1_500;
/** Room for 24 MB to reach a slow reader on a loaded machine: only the cut is under test elsewhere. */
const DOWNLOAD_GRACE_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Servers and agents a test opened, torn down after it whatever it asserted:
 * one left listening, or a client left looping on it, keeps Jest from exiting.
 */
const opened: Array<Server | { destroy(): void }> = [];

afterEach(() => {
  for (const handle of opened.splice(0)) {
    if (!('listen' in handle)) handle.destroy();
    else {
      handle.closeAllConnections();
      handle.close();
    }
  }
});

async function serve(handler: Parameters<typeof createServer>[1], graceMs = GRACE_MS) {
  const server = createServer(handler);
  opened.push(server);
  const closer = new HttpCloser(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    closer.close(() => new Promise<void>((resolve) => server.close(() => resolve())), graceMs);
  return { server, close, port: (server.address() as AddressInfo).port };
}

function keepAliveAgent(options: { maxSockets?: number } = {}): Agent {
  const agent = new Agent({ keepAlive: true, ...options });
  opened.push(agent);
  return agent;
}

function get(port: number, agent?: Agent): Promise<IncomingMessage> {
  return new Promise((resolve, reject) =>
    request({ port, agent }, resolve).on('error', reject).end(),
  );
}

/** The body's length, and whether it ended or was cut. */
function drain(res: IncomingMessage): Promise<{ bytes: number; ended: boolean }> {
  let bytes = 0;
  res.on('data', (chunk: Buffer) => (bytes += chunk.length));
  return new Promise((resolve) => {
    res.once('end', () => resolve({ bytes, ended: true }));
    res.once('aborted', () => resolve({ bytes, ended: false }));
    res.once('error', () => resolve({ bytes, ended: false }));
  });
}

const BODY = Buffer.alloc(24 << 20, 7);

/**
 * BODY, sent by `send` to a kept-alive client that does not read until
 * readAfterMs after the close, which begins closeAfterMs after the headers
 * arrive: what the client got, and how the close went.
 */
async function slowDownloadAcrossClose(opts: {
  send: (res: ServerResponse) => void;
  closeAfterMs: number;
  readAfterMs: number;
}) {
  const { close, port } = await serve((_req, res) => {
    res.setHeader('Content-Length', BODY.length);
    opts.send(res);
  }, DOWNLOAD_GRACE_MS);
  const agent = keepAliveAgent();
  const res = await get(port, agent);
  res.pause();
  const received = drain(res);
  await sleep(opts.closeAfterMs);
  const closing = close();
  await sleep(opts.readAfterMs);
  res.resume();
  const outcome = await closing;
  return { received: await received, outcome };
}

describe('HttpCloser', () => {
  it('closes a kept-alive connection that its client keeps reusing, without a cut', async () => {
    // Each answer takes 30 ms, so a request is nearly always in flight when the close starts.
    const { close, port } = await serve((_req, res) => setTimeout(() => res.end('ok'), 30));
    const agent = keepAliveAgent({ maxSockets: 1 });
    let answered = 0;
    let reused!: () => void;
    const reusing = new Promise<void>((resolve) => (reused = resolve));
    const client = (async () => {
      for (;;) {
        const res = await get(port, agent).catch(() => undefined);
        if (!res) return;
        await drain(res);
        // Three answers in: the client is reusing its connection, not opening it.
        if (++answered === 3) reused();
      }
    })();
    // Counted, not timed: on a loaded CI machine it once had only 2 answers in a fixed 200 ms.
    await reusing;

    const outcome = await close();
    await client;
    expect(outcome.cut).toBe(0);
    expect(outcome.durationMs).toBeLessThan(GRACE_MS / 2);
  });

  it('lets a download under way finish, flushed to a slow reader, then closes its kept-alive connection', async () => {
    const { received, outcome } = await slowDownloadAcrossClose({
      send: (res) => {
        res.write(BODY.subarray(0, 1024));
        setTimeout(() => res.end(BODY.subarray(1024)), 200);
      },
      closeAfterMs: 0,
      // By then the server has ended the response; most of it still waits to be read.
      readAfterMs: 400,
    });
    expect(received).toEqual({ bytes: BODY.length, ended: true });
    expect(outcome.cut).toBe(0);
    // Closed once sent, not left to Node's 5 s keep-alive timeout.
    expect(outcome.durationMs).toBeLessThan(4_000);
  });

  it('lets a download that had already ended but was still being flushed arrive whole', async () => {
    const { received, outcome } = await slowDownloadAcrossClose({
      send: (res) => res.end(BODY),
      // Ended on the server before the close, most of it still buffered there.
      closeAfterMs: 300,
      readAfterMs: 300,
    });
    // Node's own server.close() counts this connection idle and would destroy it mid-flush.
    expect(received).toEqual({ bytes: BODY.length, ended: true });
    expect(outcome.cut).toBe(0);
    expect(outcome.durationMs).toBeLessThan(4_000);
  });

  it('ends a kept-alive connection whose response had just been flushed when the close began', async () => {
    // The close begins on 'finish', a tick before the response's 'close' takes it out of
    // flight: still listed as in flight, but Node has already detached its socket.
    let closing: ReturnType<typeof close> | undefined;
    const { close, port } = await serve((_req, res) => {
      res.once('finish', () => {
        closing = close();
      });
      res.end('ok');
    });
    const agent = keepAliveAgent();
    await drain(await get(port, agent));
    const outcome = await closing!;
    expect(outcome.cut).toBe(0);
    expect(outcome.durationMs).toBeLessThan(GRACE_MS / 2);
  });

  it('ends a connection that has not sent a request yet (a preconnect), which Node counts as busy', async () => {
    const { close, port } = await serve((_req, res) => res.end('ok'));
    const idle = connect(port, '127.0.0.1');
    opened.push(idle);
    await new Promise((resolve) => idle.once('connect', resolve));
    const ended = new Promise((resolve) => idle.once('end', resolve));

    const outcome = await close();
    await ended;
    idle.destroy();
    expect(outcome.cut).toBe(0);
    expect(outcome.durationMs).toBeLessThan(GRACE_MS / 2);
  });

  it('cuts a response its client stopped reading once the grace is over, and no sooner', async () => {
    const chunk = Buffer.alloc(1 << 20);
    const { close, port } = await serve((_req, res) => {
      // Never ends: it can only go on if the client reads.
      const write = () => {
        while (res.write(chunk));
      };
      res.on('drain', write);
      write();
    });
    const res = await get(port);
    opened.push(res);
    res.pause();
    const received = drain(res);

    const outcome = await close();
    expect(outcome.cut).toBe(1);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(GRACE_MS - 10);
    expect(outcome.durationMs).toBeLessThan(GRACE_MS + 1_000);
    res.resume();
    expect((await received).ended).toBe(false);
  });
});
