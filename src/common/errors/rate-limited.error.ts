export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests from this address; retry in ${retryAfterSeconds} s.`);
    this.name = 'RateLimitedError';
  }
}
