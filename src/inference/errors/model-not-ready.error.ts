/** Uploads are refused while no model is serving; the message says how to fix it. */
export class ModelNotReadyError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'ModelNotReadyError';
  }
}
