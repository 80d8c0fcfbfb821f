import { connect, Socket } from 'node:net';

export interface Reply {
  status: number;
  body: Buffer;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * One keep-alive HTTP/1.1 connection that sends one request at a time, for
 * a closed-loop virtual user. The load generator shares the server's cores,
 * so it keeps its own work per request small: the request head is one
 * string, and a response is read by its Content-Length (or chunked framing)
 * without node:http's parser, agent and streams. It reconnects after the
 * server closes the connection.
 */
export class HttpConnection {
  private socket?: Socket;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private head?: Head;
  private pending?: { resolve: (reply: Reply) => void; reject: (error: Error) => void };

  constructor(private readonly base: URL) {}

  request(
    method: 'GET' | 'POST',
    path: string,
    body?: Buffer,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    if (this.pending) throw new Error('HttpConnection sends one request at a time.');
    const socket = this.socket ?? this.open();
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.base.host}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    if (body) head += `Content-Length: ${body.length}\r\n`;
    head += '\r\n';
    return new Promise<Reply>((resolve, reject) => {
      this.pending = { resolve, reject };
      if (body) {
        socket.cork();
        socket.write(head, 'latin1');
        socket.write(body);
        socket.uncork();
      } else {
        socket.write(head, 'latin1');
      }
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private open(): Socket {
    const socket = connect(Number(this.base.port), this.base.hostname);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    const gone = (error?: Error) => {
      // A socket this connection already let go of (after "Connection: close") is no concern.
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.chunks = [];
      this.buffered = 0;
      this.head = undefined;
      this.settle(undefined, error ?? new Error('The server closed the connection.'));
    };
    socket.on('error', gone);
    socket.on('close', () => gone());
    this.socket = socket;
    return socket;
  }

  private received(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.head ??= this.readHead();
    const head = this.head;
    if (!head) return;
    // Join the chunks only once the whole body is in.
    if (head.length !== undefined && this.buffered < head.start + head.length) return;
    const data = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [data];
    const body =
      head.length !== undefined
        ? data.subarray(head.start, head.start + head.length)
        : head.chunked
          ? dechunk(data, head.start)
          : Buffer.alloc(0);
    if (!body) return;
    this.chunks = [];
    this.buffered = 0;
    this.head = undefined;
    if (head.close) this.close();
    this.settle({ status: head.status, body });
  }

  private readHead(): Head | undefined {
    const data = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [data];
    const end = data.indexOf(HEAD_END);
    if (end < 0) return undefined;
    const text = data.toString('latin1', 0, end);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(text);
    return {
      status: Number(text.slice(9, 12)),
      start: end + HEAD_END.length,
      length: length ? Number(length[1]) : undefined,
      chunked: /\r\ntransfer-encoding:\s*chunked/i.test(text),
      close: /\r\nconnection:\s*close/i.test(text),
    };
  }

  private settle(reply?: Reply, error?: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    if (reply) pending?.resolve(reply);
    else if (error) pending?.reject(error);
  }
}

interface Head {
  status: number;
  /** Where the body starts. */
  start: number;
  length?: number;
  chunked: boolean;
  close: boolean;
}

/** A chunked body from data, or undefined while its last chunk is still to come. */
function dechunk(data: Buffer, from: number): Buffer | undefined {
  const parts: Buffer[] = [];
  for (let at = from; ;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.toString('latin1', at, lineEnd), 16);
    const end = lineEnd + 2 + size;
    if (data.length < end + 2) return undefined;
    if (size === 0) return Buffer.concat(parts);
    parts.push(data.subarray(lineEnd + 2, end));
    at = end + 2;
  }
}
