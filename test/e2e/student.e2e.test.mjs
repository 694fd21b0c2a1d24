// The student's journey in a real VS Code (code-server driven by Chromium)
// against a real hub, agents and grader on loopback: the in-host mocha suite
// and the UI walk-through of test/vscode/run-e2e.mjs. Needs Debian's chromium,
// ripgrep, libkrb5-dev and build tools (CI installs them); without them it is
// skipped outside CI and fails in CI. Runs after `npm test` built the tree.

/* global describe, it */
import * as assert from 'node:assert/strict';
import { skipWithoutTool } from '@classpod/test-support';
import { missingTools, runE2E } from '../vscode/run-e2e.mjs';

describe('VS Code extension, end to end (code-server + Chromium)', function () {
  this.timeout(20 * 60_000);

  it('a student signs in, opens an assignment, edits, uses the terminal, runs tests, submits and sees the score', async function () {
    const missing = missingTools();
    if (missing) skipWithoutTool(this, `the end-to-end run needs ${missing} (see test/vscode/install.mjs)`);
    const lines = [];
    const summary = await runE2E({ compile: false, log: (m) => lines.push(m) });
    assert.equal(summary.host, 'passed');
    assert.ok(summary.ui.includes('submitted'), `UI steps that passed: ${summary.ui.join(', ')}`);
  });
});
