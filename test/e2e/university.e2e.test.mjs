// The university sign-in in a real VS Code (code-server driven by Chromium)
// against a hub configured with a real OpenID Provider on loopback: the
// journey of test/vscode/university.e2e.mjs. Same tools as the student run;
// without them it is skipped outside CI and fails in CI. Runs after `npm test`
// built the tree.

/* global describe, it */
import * as assert from 'node:assert/strict';
import { skipWithoutTool } from '@classpod/test-support';
import { missingTools } from '../vscode/run-e2e.mjs';
import { runUniversityE2E } from '../vscode/university.e2e.mjs';

describe('VS Code sign-in with a university account, end to end (code-server + Chromium + OpenID Provider)', function () {
  this.timeout(10 * 60_000);

  it('signs in at the provider from VS Code, shows the account and its courses, and signing out ends the session at the hub', async function () {
    const missing = missingTools();
    if (missing) skipWithoutTool(this, `the end-to-end run needs ${missing} (see test/vscode/install.mjs)`);
    const summary = await runUniversityE2E({ compile: false, log: () => undefined });
    for (const step of ['provider-login', 'provider-consent', 'signed-in', 'accounts-menu', 'courses-listed', 'signed-out-revoked']) {
      assert.ok(summary.ui.includes(step), `UI step ${step} passed (passed: ${summary.ui.join(', ')})`);
    }
    // The sign-in tab went to the hub and the provider directly, never through code-server's port forwarding.
    assert.ok(!summary.visited.some((u) => /\/proxy\/\d+/.test(u)), `no hop through code-server's forwarding: ${summary.visited.join(' → ')}`);
  });
});
