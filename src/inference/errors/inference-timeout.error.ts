export class InferenceTimeoutError extends Error {
  /** `notTaken`: no worker thread took the job in time, so it never started. */
  constructor(
    readonly timeoutMs: number,
    notTaken = false,
  ) {
    super(
      notTaken
        ? `No worker thread could start the job within ${timeoutMs} ms.`
        : `Processing took longer than ${timeoutMs} ms.`,
    );
    this.name = 'InferenceTimeoutError';
  }
}
