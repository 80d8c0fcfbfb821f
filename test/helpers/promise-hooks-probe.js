/**
 * Preloaded (--require) into a server under test: on SIGUSR2 it writes to
 * stderr which of V8's promise hooks are installed. No public API tells, and
 * AsyncLocalStorage would install them for every promise in the process (see
 * src/common/logging/request-context.ts). A child process keeps the answer
 * free of what other suites load into Jest's own process.
 */
process.on('SIGUSR2', () => {
  const hooks = process.binding('async_wrap').getPromiseHooks();
  process.stderr.write(`promise hooks: ${JSON.stringify(hooks.map(Boolean))}\n`);
});
