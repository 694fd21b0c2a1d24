// Tests that need the local sandbox (bubblewrap, GNU time, root) run only
// where it works; in CI (process.env.CI) its absence is a failure.

import { localSandboxUnavailable } from '../src/sandboxes/local-sandbox';

/** Skip the calling suite or test when `local` cannot run here (fail instead in CI). */
export function requireLocalSandbox(ctx: Mocha.Context): void {
  const problem = localSandboxUnavailable();
  if (!problem) return;
  if (process.env.CI) throw new Error(`CI must be able to run the local sandbox: ${problem}`);
  ctx.skip(); // the local sandbox is not available here: see the problem above
}
