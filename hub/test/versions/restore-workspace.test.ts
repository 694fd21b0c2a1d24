// A workspace whose volume was lost is rebuilt from the hub's versions, with a
// real hub and a real agent: the student's work in every assignment comes
// back from the history (`versions/restoreWorkspace`), a folder that exists is
// left alone unless asked, an earlier instant picks the version from before
// the loss, and nobody but the student or a professor of the course may ask.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FileWriteRequest, ListVersionFilesRequest, ListVersionsRequest, ReadVersionFileRequest, RestoreWorkspaceRequest } from '@classpod/protocol';
import { waitFor } from '@classpod/test-support';
import { ManualClock } from '../../src/time/clock';
import { refusal } from '../support/refusals';
import { startTestHub, type TestHub } from '../support/test-hub';
import type { TestClient } from '../support/test-client';

const START = new Date('2026-11-02T09:00:00.000Z');

describe('restoring a lost workspace from the hub', function () {
  this.timeout(180_000);
  let t: TestHub | undefined;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(START);
    t = await startTestHub({ clock, versionDebounceMs: 150, versionRefreshMs: 300 });
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const readVersionFile = async (client: TestClient, versionId: string, path: string): Promise<string | undefined> => {
    const files = (await client.request(ListVersionFilesRequest.type, { versionId })).files;
    if (!files.some((f) => f.path === path)) return undefined;
    return Buffer.from((await client.request(ReadVersionFileRequest.type, { versionId, path })).contentBase64, 'base64').toString('utf8');
  };
  /** Write in the workspace and wait until the hub recorded it as the newest version. */
  const work = async (gw: TestClient, student: TestClient, assignmentId: string, path: string, text: string): Promise<void> => {
    await gw.request(FileWriteRequest.type, { path: `${assignmentId}/${path}`, contentBase64: Buffer.from(text).toString('base64') });
    await waitFor(`the version of ${assignmentId} with ${path}`, async () => {
      const [newest] = (await student.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId })).versions;
      return newest && (await readVersionFile(student, newest.id, path)) === text ? true : undefined;
    });
  };
  const refused = (p: Promise<unknown>, code: string, message: RegExp): Promise<void> => assert.rejects(p, refusal(code, message, t!.dataDir));
  const loseVolume = async (studentId: string): Promise<string> => {
    await t!.hub.provider.stop({ courseId: 'cs101', studentId });
    const dir = join(t!.dataDir, 'workspaces/cs101', studentId);
    rmSync(dir, { recursive: true, force: true });
    return dir;
  };

  it("brings back every assignment's last version into a fresh workspace, and leaves folders that exist alone", async () => {
    const alice = await t!.connect('alice');
    const gw = await t!.connect('alice', '/v1/workspaces/cs101--alice/connect');
    await work(gw, alice, 'c-sum', 'sum.c', 'alice’s sum, only copy');
    await work(gw, alice, 'py-primes', 'notes.txt', 'alice’s primes notes');
    gw.close();
    const dir = await loseVolume('alice');

    const prof = await t!.connect('prof');
    const r = await prof.request(RestoreWorkspaceRequest.type, { courseId: 'cs101', studentId: 'alice' });
    const by = new Map(r.assignments.map((a) => [a.assignmentId, a]));
    assert.ok(by.get('c-sum')?.versionId && !by.get('c-sum')?.skipped && by.get('c-sum')!.files > 0, JSON.stringify(r));
    assert.ok(by.get('py-primes')?.versionId && !by.get('py-primes')?.skipped, JSON.stringify(r));
    assert.equal(readFileSync(join(dir, 'c-sum/sum.c'), 'utf8'), 'alice’s sum, only copy');
    assert.equal(readFileSync(join(dir, 'py-primes/notes.txt'), 'utf8'), 'alice’s primes notes');

    // Bob never opened his workspace: no version, nothing written.
    const bob = await prof.request(RestoreWorkspaceRequest.type, { courseId: 'cs101', studentId: 'bob' });
    assert.deepEqual(new Set(bob.assignments.map((a) => a.skipped)), new Set(['no-version']));
    assert.ok(!existsSync(join(t!.dataDir, 'workspaces/cs101/bob/c-sum')));

    // Asked again, nothing is overwritten: the folders exist now.
    const again = await alice.request(RestoreWorkspaceRequest.type, { courseId: 'cs101' });
    assert.deepEqual(
      new Set(again.assignments.map((a) => a.skipped)),
      new Set(['folder-exists']),
    );
  });

  it('restores what was there before the loss when the fresh workspace opened first with the starter files', async () => {
    const alice = await t!.connect('alice');
    const gw = await t!.connect('alice', '/v1/workspaces/cs101--alice/connect');
    clock.set(START.getTime() + 60_000);
    await work(gw, alice, 'c-sum', 'sum.c', 'alice’s work before the loss');
    gw.close();
    const lostAt = new Date(START.getTime() + 120_000);
    const dir = await loseVolume('alice');

    // The student opens the fresh workspace first: the starter files arrive and are recorded as the newest version.
    clock.set(START.getTime() + 180_000);
    const fresh = await t!.connect('alice', '/v1/workspaces/cs101--alice/connect');
    await waitFor('the starter version after the loss', async () => {
      const [newest] = (await alice.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).versions;
      return newest && newest.recordedAt > lostAt.toISOString() ? true : undefined;
    });
    assert.notEqual(readFileSync(join(dir, 'c-sum/sum.c'), 'utf8'), 'alice’s work before the loss');

    const skipped = await alice.request(RestoreWorkspaceRequest.type, { courseId: 'cs101', before: lostAt.toISOString() });
    assert.equal(skipped.assignments.find((a) => a.assignmentId === 'c-sum')?.skipped, 'folder-exists');
    const r = await alice.request(RestoreWorkspaceRequest.type, { courseId: 'cs101', before: lostAt.toISOString(), replace: true });
    const cSum = r.assignments.find((a) => a.assignmentId === 'c-sum')!;
    assert.ok(cSum.recordedAt! <= lostAt.toISOString() && !cSum.skipped, JSON.stringify(cSum));
    assert.equal(readFileSync(join(dir, 'c-sum/sum.c'), 'utf8'), 'alice’s work before the loss');
    // The restore is itself recorded: the newest version holds her work again.
    await waitFor('the restored version', async () => {
      const [newest] = (await alice.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).versions;
      return newest && (await readVersionFile(alice, newest.id, 'sum.c')) === 'alice’s work before the loss' ? true : undefined;
    });
    fresh.close();
  });

  it("refuses another student's workspace, an assistant, and a course the caller is not in, writing nothing", async () => {
    const alice = await t!.connect('alice');
    const gw = await t!.connect('alice', '/v1/workspaces/cs101--alice/connect');
    await work(gw, alice, 'c-sum', 'sum.c', 'alice’s work');
    gw.close();
    const dir = await loseVolume('alice');
    const bob = await t!.connect('bob');
    await refused(bob.request(RestoreWorkspaceRequest.type, { courseId: 'cs101', studentId: 'alice' }), 'Forbidden', /only your own work/);
    const tara = await t!.connect('tara');
    await refused(tara.request(RestoreWorkspaceRequest.type, { courseId: 'cs101', studentId: 'alice' }), 'Forbidden', /only the student or a professor/);
    const olga = await t!.connect('olga');
    await refused(olga.request(RestoreWorkspaceRequest.type, { courseId: 'cs101', studentId: 'alice' }), 'Forbidden', /not a member of course cs101/);
    const prof = await t!.connect('prof');
    await refused(prof.request(RestoreWorkspaceRequest.type, { courseId: 'cs101', studentId: 'olga' }), 'NotFound', /not a student of course cs101/);
    assert.ok(!existsSync(join(dir, 'c-sum')), 'nothing was written');
  });
});
