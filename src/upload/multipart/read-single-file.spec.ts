import { PassThrough } from 'node:stream';
import type { Request } from 'express';
import {
  EmptyFilenameError,
  MalformedUploadError,
  NoFileError,
  UploadTimeoutError,
  UploadTooLargeError,
} from '../errors/upload.errors';
import { readSingleFile } from './read-single-file';

/** A stand-in for an IncomingMessage: a stream with headers, a "complete" flag and a socket. */
function fakeRequest(parts: string[], boundary = 'b') {
  const socket = { destroyed: false, destroy: () => (socket.destroyed = true) };
  const req = Object.assign(new PassThrough(), {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    complete: false,
    socket,
  });
  const body = parts.join('') + `--${boundary}--\r\n`;
  return { req: req as unknown as Request & PassThrough, body };
}

// Browsers send a file input left empty as filename="" with an octet-stream type.
const filePart = (field: string, filename: string, content: string) =>
  `--b\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
  `Content-Type: application/octet-stream\r\n\r\n${content}\r\n`;
const textPart = (field: string, value: string) =>
  `--b\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${value}\r\n`;

async function read(parts: string[], maxBytes = 1000) {
  const { req, body } = fakeRequest(parts);
  const result = readSingleFile(req, { field: 'file', maxBytes, idleTimeoutMs: 5000 });
  req.end(body);
  (req as { complete: boolean }).complete = true;
  return result;
}

describe('readSingleFile', () => {
  it('returns the one file as an owned Uint8Array, ignoring text fields', async () => {
    const file = await read([textPart('note', 'hi'), filePart('file', 'a.jpg', 'JPEGDATA')]);
    expect(file.filename).toBe('a.jpg');
    expect(Buffer.from(file.bytes).toString()).toBe('JPEGDATA');
    expect(file.bytes.byteOffset).toBe(0);
    expect(file.bytes.buffer.byteLength).toBe(8);
  });

  it.each([
    ['no file part', [textPart('note', 'hi')], NoFileError],
    ['an empty filename', [filePart('file', '', '')], EmptyFilenameError],
    ['two files', [filePart('file', 'a', 'x'), filePart('file', 'b', 'y')], MalformedUploadError],
    ['another file field', [filePart('image', 'a', 'x')], MalformedUploadError],
  ])('rejects %s', async (_label, parts, type) => {
    await expect(read(parts)).rejects.toBeInstanceOf(type);
  });

  it('stops at the byte limit', async () => {
    await expect(read([filePart('file', 'a', 'x'.repeat(2000))], 1000)).rejects.toBeInstanceOf(
      UploadTooLargeError,
    );
  });

  it('settles when the client disconnects mid-body instead of waiting forever', async () => {
    const { req } = fakeRequest([]);
    const result = readSingleFile(req, { field: 'file', maxBytes: 1000, idleTimeoutMs: 5000 });
    req.write(
      '--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\npartial',
    );
    req.emit('close');
    await expect(result).rejects.toThrow('interrupted');
  });

  it('refuses a body that goes idle, and cuts the connection, while steady progress is fine', async () => {
    const { req } = fakeRequest([]);
    const result = readSingleFile(req, { field: 'file', maxBytes: 1000, idleTimeoutMs: 150 });
    const settled = jest.fn();
    result.catch(settled);
    req.write('--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n');
    // Chunks every 50 ms keep the 150 ms idle timer from firing...
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 50));
      req.write('x');
    }
    expect(settled).not.toHaveBeenCalled();
    // ...then silence trips it.
    await expect(result).rejects.toBeInstanceOf(UploadTimeoutError);
    expect(req.socket.destroyed).toBe(true);
  });

  it('rejects a body with too many text fields', async () => {
    const fields = Array.from({ length: 21 }, (_, i) => textPart(`f${i}`, 'v'));
    await expect(read([...fields, filePart('file', 'a.jpg', 'x')])).rejects.toThrow(
      'Too many fields',
    );
  });
});
