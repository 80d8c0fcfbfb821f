/** A job still unfinished when the shutdown grace period (SHUTDOWN_GRACE_MS) ran out. */
export class ShutdownDeadlineError extends Error {
  constructor(graceMs: number) {
    super(
      `The service shut down and this job could not finish within the ${graceMs} ms grace period.`,
    );
    this.name = 'ShutdownDeadlineError';
  }
}
