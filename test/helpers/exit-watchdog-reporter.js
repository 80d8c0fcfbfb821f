/**
 * Ends a run that would otherwise never end. Jest waits for the event loop to
 * drain once the tests are done, so a server or client a test left open (as a
 * failed assertion can, before the test's own cleanup) holds it for ever: CI
 * once spent its whole 5400 s on that. A clean run exits within a second; one
 * still alive `graceMs` after the last test says what is still open and exits
 * with 1. The timer is unref'd, so it never holds a run that can end.
 */
class ExitWatchdogReporter {
  constructor(globalConfig, options = {}) {
    this.graceMs = options.graceMs ?? 15_000;
    // `jest --watch` completes a run and then is meant to stay up.
    this.watching = Boolean(globalConfig.watch || globalConfig.watchAll);
  }

  onRunComplete() {
    if (this.watching) return;
    const graceMs = this.graceMs;
    setTimeout(() => {
      const open = process.getActiveResourcesInfo().filter((kind) => kind !== 'TTYWrap');
      process.stderr.write(
        `\nThe test run was over but the process was still held open ${graceMs} ms later, ` +
          `by: ${open.join(', ') || 'nothing Node can name'}. A test left a server, socket, ` +
          `timer or child process open; exiting with 1 rather than hang.\n`,
      );
      process.exit(1);
    }, graceMs).unref();
  }
}

module.exports = ExitWatchdogReporter;
