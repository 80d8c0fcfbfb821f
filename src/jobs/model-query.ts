/**
 * The `model` query parameter as one string. A repeated or nested one
 * (?model=a&model=b) becomes a string no model has, so it is refused as
 * unknown, with the list of available models, rather than guessed at.
 */
export function modelQuery(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return JSON.stringify(value);
}
