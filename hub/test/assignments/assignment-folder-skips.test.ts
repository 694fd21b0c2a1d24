// The hub reads a professor's assignment folder as the extension's upload
// does: the same names skipped (`isSkippedInAssignmentFolder` of
// @classpod/sync), checked against the one fixture both packages' tests use
// (extension/test/unit/professor/staff-files.test.ts reads it too).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ASSIGNMENT_FIXTURE_FILES, ASSIGNMENT_FIXTURE_STARTER_FILES, writeAssignmentFixture } from '@classpod/test-support';
import { loadAssignmentFolder } from '../../src/assignments/assignment-folder';
import { graderSpecResolver } from '../../src/assignments/spec-resolver';
import { HUB_CLI, hubCli } from '../support/hub-process';

describe('assignment folders skip what the extension skips', function () {
  this.timeout(60_000);
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'classpod-hub-skips-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('gives students exactly the fixture’s starter files, and looks at no link under a skipped folder', async () => {
    const folder = join(work, 'echo');
    await writeAssignmentFixture(folder);
    const loaded = await loadAssignmentFolder(folder, 'echo', graderSpecResolver(), new Date());
    assert.deepEqual(loaded.starterFiles.map((f) => f.path).sort(), [...ASSIGNMENT_FIXTURE_STARTER_FILES]);
    assert.deepEqual(
      ASSIGNMENT_FIXTURE_STARTER_FILES.map((p) => `starter/${p}`),
      ASSIGNMENT_FIXTURE_FILES.filter((p) => p.startsWith('starter/')),
      'the fixture’s two lists disagree',
    );
    assert.equal(loaded.spec.groups[0]?.tests.length, 1);
  });

  it('`classpod-hub assignment add` takes the same folder', async () => {
    const folder = join(work, 'echo');
    await writeAssignmentFixture(folder);
    hubCli(['course', 'create', '--data', join(work, 'data'), '--id', 'cs202', '--title', 'Data structures']);
    const r = spawnSync(process.execPath, [HUB_CLI, 'assignment', 'add', '--data', join(work, 'data'), '--course', 'cs202', '--folder', folder], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /assignment echo: Echo/);
  });
});
