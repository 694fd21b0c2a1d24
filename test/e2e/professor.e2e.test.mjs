// The professor's journey in a real VS Code (code-server driven by Chromium)
// against a real hub with the demo course, staff of two courses and seeded
// submissions: the in-host professor suite and the Cluster view walk-through
// of test/vscode/professor.e2e.mjs. Same tools as the student run; without them
// it is skipped outside CI and fails in CI. Runs after `npm test` built the tree.

/* global describe, it */
import * as assert from 'node:assert/strict';
import { runProfessorE2E } from '../vscode/professor.e2e.mjs';
import { skipWithoutTool } from '@classpod/test-support';
import { missingTools } from '../vscode/run-e2e.mjs';

describe('VS Code extension for professors, end to end (code-server + Chromium)', function () {
  this.timeout(20 * 60_000);

  it('a professor walks the cluster tree, opens and diffs submission files, regrades and overrides a score', async function () {
    const missing = missingTools();
    if (missing) skipWithoutTool(this, `the end-to-end run needs ${missing} (see test/vscode/install.mjs)`);
    const summary = await runProfessorE2E({ compile: false, log: () => undefined });
    assert.equal(summary.host, 'passed');
    for (const step of ['tree-walked', 'file-opened', 'diff-with-starter', 'regraded', 'score-overridden']) {
      assert.ok(summary.ui.includes(step), `UI step ${step} passed (passed: ${summary.ui.join(', ')})`);
    }
  });
});
