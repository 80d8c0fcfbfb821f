/** The request carried no file part named "file". */
export class NoFileError extends Error {
  constructor() {
    super('No file uploaded');
    this.name = 'NoFileError';
  }
}

/** A file part was sent with an empty filename (a form submitted with no file picked). */
export class EmptyFilenameError extends Error {
  constructor() {
    super('Empty filename');
    this.name = 'EmptyFilenameError';
  }
}

/** The multipart body is malformed or has parts we do not accept. */
export class MalformedUploadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedUploadError';
  }
}

export class UploadTooLargeError extends Error {
  constructor(limitBytes: number) {
    super(`The upload exceeds the ${limitBytes}-byte limit.`);
    this.name = 'UploadTooLargeError';
  }
}

/** The X-Socket-Id header is not shaped like a Socket.IO connection id. */
export class InvalidSocketIdError extends Error {
  constructor() {
    super('X-Socket-Id must be the id of a Socket.IO connection to the /jobs namespace.');
    this.name = 'InvalidSocketIdError';
  }
}

/** The upload's body went idle for longer than UPLOAD_BODY_TIMEOUT_MS (a slow or stalled client). */
export class UploadTimeoutError extends Error {
  constructor(idleMs: number) {
    super(`The upload sent nothing for ${idleMs} ms; the request was closed.`);
    this.name = 'UploadTimeoutError';
  }
}
