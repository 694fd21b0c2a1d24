// A submission is the student's work and nothing of sync's own: against a
// real hub and a real agent child process, a workspace folder that holds what
// an interrupted sync leaves behind (a `.NAME.classpod-tmp-…` file beside its
// target and in a subfolder, a case probe, a state folder), and version
// control folders (.git, .hg, .svn), is submitted, and
// the stored snapshot holds the student's files only.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileReadRequest, FileWriteRequest, SubmitRequest } from '@classpod/protocol';
import { STATE_DIR_NAME, TEMP_MARKER, CASE_PROBE_PREFIX, VERSION_CONTROL_DIRS } from '@classpod/sync';
import { startTestHub, type TestHub } from '../support/test-hub';

describe('a snapshot leaves out the files sync keeps for itself', function () {
  this.timeout(120_000);
  let t: TestHub | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('submits the student files of a folder that holds temporary files, a case probe and sync state', async () => {
    t = await startTestHub();
    const alice = await t.connect('alice');
    const ws = await t.connect('alice', '/v1/workspaces/cs101--alice/connect');
    // The workspace runs and holds its starter files.
    await ws.request(FileReadRequest.type, { path: 'c-sum/sum.c' });
    await ws.request(FileWriteRequest.type, { path: 'c-sum/lib/helper.h', contentBase64: Buffer.from('int helper(void);\n').toString('base64'), createParents: true });

    // What a kill in the middle of sync's writes leaves in the workspace folder.
    const folder = join(t.dataDir, 'workspaces', 'cs101', 'alice', 'c-sum');
    const junk = [
      `.sum.c${TEMP_MARKER}0123456789abcdef`,
      `lib/.helper.h${TEMP_MARKER}fedcba9876543210`,
      `${CASE_PROBE_PREFIX}4242-ABCDEF012345`,
      `${STATE_DIR_NAME}/ancestor.json`,
      `lib/${STATE_DIR_NAME}/state`,
      // Version control a student made in the terminal: sync does not carry it, and neither does a snapshot.
      ...VERSION_CONTROL_DIRS.map((d) => `${d}/HEAD`),
    ];
    for (const rel of junk) {
      mkdirSync(join(folder, rel, '..'), { recursive: true });
      writeFileSync(join(folder, rel), 'half of a file that was being written\n');
    }

    const s = (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission;
    const files = (await t.hub.blobs.manifest(s.snapshotHash)).map((f) => f.path).sort();
    assert.deepEqual(files, ['lib/helper.h', 'sum.c'], 'only the student files are handed in');
    assert.equal(s.fileCount, 2);
  });
});
