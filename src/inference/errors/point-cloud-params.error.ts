/** A point-cloud parameter out of its documented range; the client asked for something impossible. */
export class PointCloudParamsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PointCloudParamsError';
  }
}
