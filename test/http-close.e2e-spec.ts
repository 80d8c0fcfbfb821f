import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { HTTP_CLOSE_GRACE_MS } from '../src/common/http/http-closer';
import { listen, sleep, startApp } from './helpers/test-app';

/*
 * The real app closing while a Socket.IO client long-polls over a kept-alive
 * connection, as a browser without WebSockets does. engine.io takes over the
 * server's request listeners when it attaches, so this is the case that shows
 * whether the HTTP close sees Socket.IO's own requests.
 */

function get(port: number, path: string, agent: Agent) {
  return new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
    request({ port, path, agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode!, body, connection: res.headers.connection }),
      );
      res.on('aborted', () => reject(new Error('response cut')));
    })
      .on('error', reject)
      .end();
  });
}

it('answers a long poll under way when it closes, then ends that connection without waiting for the cut', async () => {
  const t = await startApp();
  const port = await listen(t);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const handshake = await get(port, '/socket.io/?EIO=4&transport=polling', agent);
  const { sid } = JSON.parse(handshake.body.slice(1)) as { sid: string };
  // Held by the server until it has something to send: here, the close.
  const poll = get(port, `/socket.io/?EIO=4&transport=polling&sid=${sid}`, agent);
  await sleep(100);

  const started = Date.now();
  await t.close();
  const closeMs = Date.now() - started;
  const answered = await poll;
  agent.destroy();
  expect(answered.status).toBe(200);
  expect(answered.connection).toBe('close');
  // engine.io's close packet ("1"), so the client knows the session is over.
  expect(answered.body).toContain('1');
  expect(closeMs).toBeLessThan(1_000);
});

it('destroys a WebSocket whose peer never answers the close frame at the grace, rather than after ws waits 30 s', async () => {
  const t = await startApp();
  const port = await listen(t);
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const [head] = (await once(socket, 'data')) as [Buffer];
  expect(head.toString()).toMatch(/^HTTP\/1\.1 101 /);
  // A peer gone quiet (a laptop asleep, say): it neither reads nor answers.
  socket.pause();

  const started = Date.now();
  await t.close();
  const closeMs = Date.now() - started;
  socket.destroy();
  expect(closeMs).toBeGreaterThanOrEqual(HTTP_CLOSE_GRACE_MS - 50);
  expect(closeMs).toBeLessThan(HTTP_CLOSE_GRACE_MS + 1_500);
}, 45_000);
