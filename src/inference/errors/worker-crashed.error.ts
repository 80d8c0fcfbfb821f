/** The worker thread running a job died (exited or crashed); Piscina replaces it. */
export class WorkerCrashedError extends Error {
  constructor(detail: string) {
    super(
      `The inference worker thread stopped while running this job (${detail}); it was replaced.`,
    );
    this.name = 'WorkerCrashedError';
  }
}
