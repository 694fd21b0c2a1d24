// Versions from the attacker's side, against a real hub and real agents:
// another student's versions (by listing and by a guessed or leaked id), a
// professor of another course, paths that lead outside in a read or a
// restore, huge and malformed requests, a restore asked by staff, and a
// student who replaces their assignment folder with a link to another's
// workspace. Each is refused with a clear error, no error names a host path,
// and the hub still serves afterwards.

import assert from 'node:assert/strict';
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FileWriteRequest,
  ListVersionFilesRequest,
  ListVersionsRequest,
  ReadVersionFileRequest,
  RestoreVersionRequest,
  type VersionSummary,
} from '@classpod/protocol';
import { refusal } from '../support/refusals';
import { startTestHub, type TestHub } from '../support/test-hub';
import type { TestClient } from '../support/test-client';
import { waitFor } from '@classpod/test-support';

describe('versions under attack', function () {
  this.timeout(120_000);
  let t: TestHub | undefined;
  let aliceVersion: VersionSummary;
  let alice: TestClient;

  before(async () => {
    t = await startTestHub({ versionDebounceMs: 150, versionRefreshMs: 300 });
    alice = await t.connect('alice');
    const gw = await t.connect('alice', '/v1/workspaces/cs101--alice/connect');
    await gw.request(FileWriteRequest.type, { path: 'c-sum/sum.c', contentBase64: Buffer.from('alice secret work').toString('base64') });
    aliceVersion = await waitFor('a version with alice’s work', async () => {
      const [v] = (await alice.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).versions;
      if (!v) return undefined;
      const files = (await alice.request(ListVersionFilesRequest.type, { versionId: v.id })).files;
      return files.some((f) => f.path === 'sum.c' && f.size === 'alice secret work'.length) ? v : undefined;
    });
    gw.close();
  });
  after(async () => {
    await t?.close();
    t = undefined;
  });

  /** The request fails with this error code; its message matches and names no host path. */
  const refused = (p: Promise<unknown>, code: string, message: RegExp): Promise<void> => assert.rejects(p, refusal(code, message, t!.dataDir));

  it('refuses another student’s versions, by listing and by id', async () => {
    const bob = await t!.connect('bob');
    await refused(bob.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'alice' }), 'Forbidden', /only your own work/);
    await refused(bob.request(ListVersionFilesRequest.type, { versionId: aliceVersion.id }), 'Forbidden', /only your own work/);
    await refused(bob.request(ReadVersionFileRequest.type, { versionId: aliceVersion.id, path: 'sum.c' }), 'Forbidden', /only your own work/);
    await refused(bob.request(RestoreVersionRequest.type, { versionId: aliceVersion.id }), 'Forbidden', /only your own work/);
    // Bob's own list holds nothing of alice's.
    const own = (await bob.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).versions;
    assert.ok(own.every((v) => v.studentId === 'bob'));
  });

  it('refuses a professor of another course, and lets the course staff read but not restore', async () => {
    const olga = await t!.connect('olga');
    await refused(olga.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'alice' }), 'Forbidden', /not a member of course cs101/);
    await refused(olga.request(ReadVersionFileRequest.type, { versionId: aliceVersion.id, path: 'sum.c' }), 'Forbidden', /not a member of course cs101/);
    const tara = await t!.connect('tara');
    const read = await tara.request(ReadVersionFileRequest.type, { versionId: aliceVersion.id, path: 'sum.c' });
    assert.equal(Buffer.from(read.contentBase64, 'base64').toString(), 'alice secret work');
    await refused(tara.request(RestoreVersionRequest.type, { versionId: aliceVersion.id }), 'Forbidden', /only the student restores/);
    await refused(tara.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' }), 'InvalidParams', /name the student/);
  });

  it('answers a path that leads outside with not found, in reads and restores', async () => {
    for (const path of ['../../../../etc/passwd', '/etc/passwd', '../bob/c-sum/sum.c', 'sum.c/../../hub.sqlite', '%2e%2e/hub.sqlite', 'sum.c\u0000.txt']) {
      await refused(alice.request(ReadVersionFileRequest.type, { versionId: aliceVersion.id, path }), 'NotFound', /has no file/);
      await refused(alice.request(RestoreVersionRequest.type, { versionId: aliceVersion.id, paths: [path] }), 'NotFound', /has no file/);
    }
  });

  it('refuses huge and malformed requests by their schema', async () => {
    await refused(alice.request(ReadVersionFileRequest.type, { versionId: aliceVersion.id, path: 'a'.repeat(100_000) }), 'InvalidParams', /path/);
    await refused(alice.request(ReadVersionFileRequest.type, { versionId: '../v_1', path: 'sum.c' }), 'InvalidParams', /versionId/);
    await refused(alice.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', limit: 1e9 }), 'InvalidParams', /limit/);
    await refused(alice.request(ListVersionsRequest.type, { courseId: '../cs101', assignmentId: 'c-sum' }), 'InvalidParams', /courseId/);
    await refused(alice.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', before: 'yesterday' }), 'InvalidParams', /before/);
    await refused(
      alice.request(RestoreVersionRequest.type, { versionId: aliceVersion.id, paths: Array.from({ length: 2001 }, (_, i) => `f${i}`) }),
      'InvalidParams',
      /paths/,
    );
    await refused(alice.request(ListVersionFilesRequest.type, { versionId: 'v_0000000000000000000000' }), 'NotFound', /no version/);
    await refused(alice.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'no-such' }), 'NotFound', /no assignment/);
    // Still serving.
    assert.equal((await alice.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).versions[0]!.id, aliceVersion.id);
  });

  it('records nothing of another workspace when a student links their folder to it', async () => {
    const bobGw = await t!.connect('bob', '/v1/workspaces/cs101--bob/connect');
    await bobGw.request(FileWriteRequest.type, { path: 'c-sum/sum.c', contentBase64: Buffer.from('bob secret work').toString('base64') });
    bobGw.close();
    const gw = await t!.connect('alice', '/v1/workspaces/cs101--alice/connect');
    // As from her terminal: her assignment folder becomes a link to bob's, and a file inside links to the hub's data.
    const aliceDir = join(t!.dataDir, 'workspaces/cs101/alice');
    rmSync(join(aliceDir, 'c-sum'), { recursive: true, force: true });
    symlinkSync(join(t!.dataDir, 'workspaces/cs101/bob/c-sum'), join(aliceDir, 'c-sum'));
    writeFileSync(join(aliceDir, 'note.txt'), 'touch');
    await t!.hub.versionWatcher.flush({ courseId: 'cs101', studentId: 'alice' });
    await new Promise((r) => setTimeout(r, 1000));
    await t!.hub.versionWatcher.flush({ courseId: 'cs101', studentId: 'alice' });
    for (const v of (await alice.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).versions) {
      for (const f of (await alice.request(ListVersionFilesRequest.type, { versionId: v.id })).files) {
        const content = Buffer.from((await alice.request(ReadVersionFileRequest.type, { versionId: v.id, path: f.path })).contentBase64, 'base64').toString();
        assert.ok(!content.includes('bob secret work'), `version ${v.id} holds bob's ${f.path}`);
      }
    }
    gw.close();
  });
});
