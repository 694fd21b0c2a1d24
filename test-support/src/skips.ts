// Skips that say why. A test that cannot run here is marked pending with its
// reason in its title, so the run's output shows it (`- name [skipped: why]`);
// called from a `before` hook, every test of the suite gets the reason. Under
// CI (CI=true), where every tool the tests need is installed, a missing tool is
// a failure instead: `skipWithoutTool` throws there. `skipBecause` is for what
// CI lacks too (isolate, which runs on grader VMs; a second core).

/** Whether this run is CI's: CI set to anything but "", "0" or "false". */
export function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** The tests a skip from this context leaves pending: the test, or a `before all` hook's whole suite. */
function skippedTests(ctx: Mocha.Context): Mocha.Test[] {
  const runnable = ctx.test;
  const type = (runnable as { type?: string } | undefined)?.type;
  if (type === 'test') return [runnable as Mocha.Test];
  if (type === 'hook' && /^"before all" hook/.test(runnable!.title)) {
    const all: Mocha.Test[] = [];
    const walk = (suite: Mocha.Suite): void => {
      all.push(...suite.tests);
      suite.suites.forEach(walk);
    };
    if (runnable!.parent) walk(runnable!.parent);
    return all;
  }
  return ctx.currentTest ? [ctx.currentTest] : [];
}

/** Skip the running test (from a `before` hook, its suite) and print `reason` with it. */
export function skipBecause(ctx: Mocha.Context, reason: string): never {
  for (const test of skippedTests(ctx)) test.title = `${test.title} [skipped: ${reason}]`;
  ctx.skip();
}

/**
 * A tool (program, package, privilege, service) the test needs is missing:
 * under CI that fails the test, naming it; elsewhere the test is skipped
 * with `reason` printed.
 */
export function skipWithoutTool(ctx: Mocha.Context, reason: string): never {
  if (inCi()) throw new Error(`${reason} (CI must provide it)`);
  skipBecause(ctx, reason);
}
