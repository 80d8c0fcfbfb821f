import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpConnection } from './http-connection';

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

/** A real node:http server, so the load generator's client is checked against a real parser. */
async function serve(handler: Handler): Promise<{ server: Server; url: URL; sockets: number }> {
  const state = { sockets: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  server.on('connection', () => (state.sockets += 1));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { server, url: new URL(`http://127.0.0.1:${port}`) });
}

describe('HttpConnection (the load generator client)', () => {
  let served: Awaited<ReturnType<typeof serve>>;
  let connection: HttpConnection;

  afterEach(async () => {
    connection.close();
    served.server.closeAllConnections();
    served.server.close();
    await once(served.server, 'close');
  });

  it('sends a body with its headers and reads a sized response, over one kept-alive socket', async () => {
    served = await serve((req, body, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          method: req.method,
          type: req.headers['content-type'],
          size: body.length,
        }),
      );
    });
    connection = new HttpConnection(served.url);
    const big = Buffer.alloc(700_000, 7);
    for (let i = 0; i < 5; i++) {
      const reply = await connection.request('POST', '/up', big, { 'Content-Type': 'x/y' });
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body.toString())).toEqual({
        method: 'POST',
        type: 'x/y',
        size: 700_000,
      });
    }
    expect(served.sockets).toBe(1);
  });

  it('reads a large body that arrives in many chunks, and a chunked one', async () => {
    const payload = Buffer.alloc(1_500_000);
    for (let i = 0; i < payload.length; i++) payload[i] = i % 251;
    served = await serve((req, _body, res) => {
      if (req.url === '/sized') return res.end(payload);
      res.write(payload.subarray(0, 1000));
      res.write(payload.subarray(1000, 300_000));
      res.end(payload.subarray(300_000));
    });
    connection = new HttpConnection(served.url);
    const sized = await connection.request('GET', '/sized');
    expect(sized.body.equals(payload)).toBe(true);
    const chunked = await connection.request('GET', '/chunked');
    expect(chunked.status).toBe(200);
    expect(chunked.body.equals(payload)).toBe(true);
  });

  it('opens a new socket after the server says Connection: close, and keeps statuses', async () => {
    served = await serve((req, _body, res) => {
      res.statusCode = req.url === '/gone' ? 404 : 202;
      if (req.url === '/gone') res.setHeader('Connection', 'close');
      res.end('{}');
    });
    connection = new HttpConnection(served.url);
    expect((await connection.request('GET', '/gone')).status).toBe(404);
    expect((await connection.request('GET', '/next')).status).toBe(202);
    expect((await connection.request('GET', '/next')).status).toBe(202);
    expect(served.sockets).toBe(2);
  });

  it('fails the request in flight when the server drops the connection', async () => {
    served = await serve((req) => req.socket.destroy());
    connection = new HttpConnection(served.url);
    await expect(connection.request('GET', '/drop')).rejects.toThrow(/closed|reset|hang up/i);
  });
});
