/** A request named a model this service does not load; the message lists the ones it does. */
export class UnknownModelError extends Error {
  constructor(requested: string, available: readonly string[]) {
    super(`Unknown model "${requested.slice(0, 64)}". Available models: ${available.join(', ')}.`);
    this.name = 'UnknownModelError';
  }
}
