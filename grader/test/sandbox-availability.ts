// Tests that need the local sandbox (bubblewrap, GNU time, root) run only
// where it works; in CI (process.env.CI) its absence is a failure.

import { localSandboxUnavailable } from '../src/sandboxes/local-sandbox';
import { skipWithoutTool } from '@classpod/test-support';

/** Skip the calling suite or test when `local` cannot run here (fail instead in CI). */
export function requireLocalSandbox(ctx: Mocha.Context): void {
  const problem = localSandboxUnavailable();
  if (!problem) return;
  skipWithoutTool(ctx, `the local sandbox cannot run here: ${problem}`);
}
