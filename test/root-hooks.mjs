// Mocha root hooks for every package's tests (required from .mocharc.json and
// .mocharc.package.json). Mocha fails a test on an uncaught exception, but it
// swallows an unhandled promise rejection: it re-emits the event on `process`
// and, with no other listener there, nothing happens. A rejection nobody
// handles is a bug in a request path, so this records it and fails the test
// during which it happened (or the run, when it happens between tests).

const unhandled = [];
// Mocha re-emits each event it sees, so the same promise can arrive twice.
const seen = new WeakSet();
process.on('unhandledRejection', (reason, promise) => {
  if (promise && typeof promise === 'object') {
    if (seen.has(promise)) return;
    seen.add(promise);
  }
  unhandled.push(reason instanceof Error ? reason : new Error(`a promise was rejected with ${String(reason)}`));
});

function failOnUnhandled() {
  if (unhandled.length === 0) return;
  const [first, ...rest] = unhandled.splice(0);
  const more = rest.length > 0 ? ` (and ${rest.length} more)` : '';
  throw new Error(`unhandled promise rejection${more}: ${first.stack ?? first.message}`);
}

export const mochaHooks = {
  afterEach() {
    failOnUnhandled();
  },
  afterAll() {
    failOnUnhandled();
  },
};

process.on('exit', (code) => {
  if (unhandled.length === 0) return;
  process.stderr.write(`unhandled promise rejection after the last test: ${unhandled[0].stack ?? unhandled[0].message}\n`);
  if (code === 0) process.exitCode = 1;
});
