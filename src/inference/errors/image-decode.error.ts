/** The worker could not decode the pixels (truncated or corrupt data behind a valid header). */
export class ImageDecodeError extends Error {
  constructor(detail: string) {
    super(`The image could not be decoded: ${detail.trim().replace(/\.$/, '')}.`);
    this.name = 'ImageDecodeError';
  }
}
