export class InferenceTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Processing took longer than ${timeoutMs} ms.`);
    this.name = 'InferenceTimeoutError';
  }
}
