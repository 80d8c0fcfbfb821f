import busboy from 'busboy';
import type { Request } from 'express';
import {
  EmptyFilenameError,
  MalformedUploadError,
  NoFileError,
  UploadTimeoutError,
  UploadTooLargeError,
} from '../errors/upload.errors';
import { abandonBody } from './abandon-body';

export interface UploadedFile {
  /** The client's name, kept only for logs; never used to build a path. */
  filename: string;
  /** Owns its ArrayBuffer, so it can be transferred to a worker thread. */
  bytes: Uint8Array;
  /** The optional "model" text field, for clients that cannot set a query parameter. */
  model?: string;
}

export interface SingleFileLimits {
  field: string;
  maxBytes: number;
  /** Longest silence between body chunks before the upload is refused (408) and cut. */
  idleTimeoutMs: number;
}

/**
 * Reads exactly one file part from a multipart body into memory, stopping
 * at the byte limit instead of buffering the rest. Other file parts and
 * repeated file fields are rejected; text fields other than "model" are ignored.
 */
export function readSingleFile(req: Request, limits: SingleFileLimits): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: {
          fileSize: limits.maxBytes,
          files: 2,
          fields: 20,
          parts: 25,
          fieldSize: 64 * 1024,
        },
      });
    } catch {
      reject(new MalformedUploadError('Expected a multipart/form-data body.'));
      return;
    }
    let file: UploadedFile | undefined;
    let failure: Error | undefined;
    let emptyName = false;
    let fileParts = 0;
    let model: string | undefined;
    const fail = (error: Error) => {
      if (failure) return;
      failure = error;
      settle();
      req.unpipe(parser);
      // Stop buffering at once; what remains of the body is discarded, within bounds.
      abandonBody(req, limits.maxBytes, error instanceof UploadTimeoutError);
      reject(failure);
    };
    // Slow-loris defence: the body must keep moving, not merely finish within requestTimeout.
    const idle = setTimeout(
      () => fail(new UploadTimeoutError(limits.idleTimeoutMs)),
      limits.idleTimeoutMs,
    );
    const progress = () => idle.refresh();
    const settle = () => {
      clearTimeout(idle);
      req.removeListener('data', progress);
    };

    parser.on('file', (field, stream, info) => {
      if (field !== limits.field) {
        stream.resume();
        return fail(
          new MalformedUploadError(
            `Unexpected file field "${field}"; send the image as "${limits.field}".`,
          ),
        );
      }
      fileParts += 1;
      if (fileParts > 1) {
        stream.resume();
        return fail(new MalformedUploadError(`Send exactly one file in "${limits.field}".`));
      }
      if (!info.filename) emptyName = true;
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        chunks.push(chunk);
      });
      stream.on('limit', () => fail(new UploadTooLargeError(limits.maxBytes)));
      stream.on('end', () => {
        if (failure || emptyName) return;
        const bytes = new Uint8Array(size);
        let offset = 0;
        for (const chunk of chunks) {
          bytes.set(chunk, offset);
          offset += chunk.length;
        }
        file = { filename: info.filename ?? '', bytes };
      });
    });
    parser.on('field', (name, value) => {
      if (name === 'model') model = value;
    });
    parser.on('filesLimit', () =>
      fail(new MalformedUploadError(`Send exactly one file in "${limits.field}".`)),
    );
    parser.on('fieldsLimit', () =>
      fail(new MalformedUploadError('Too many fields in the multipart body.')),
    );
    parser.on('partsLimit', () =>
      fail(new MalformedUploadError('Too many parts in the multipart body.')),
    );
    parser.on('error', (error: Error) =>
      fail(new MalformedUploadError(`Malformed multipart body: ${error.message}`)),
    );
    parser.on('close', () => {
      if (failure) return;
      settle();
      if (emptyName) return reject(new EmptyFilenameError());
      if (!file) return reject(new NoFileError());
      resolve(model === undefined ? file : { ...file, model });
    });
    // A client that disconnects mid-body must not leave this promise, and its chunks, pending.
    req.once('close', () => {
      if (!req.complete) {
        fail(new MalformedUploadError('The upload was interrupted before it finished.'));
      }
    });
    req.pipe(parser);
    req.on('data', progress);
  });
}
