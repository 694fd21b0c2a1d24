// Every version kept, at the hub, with a real hub and real agents: each sync
// that changes a student's assignment folder (a real sync session from a
// local folder, through the gateway) records a version by the hub's clock,
// files deduplicated in the blob store; a version is read and restored after
// the workspace stopped; and the deadline collects a class from this history
// with every workspace stopped — one submission per non-submitter, stamped
// with the due time, and no workspace process started.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ExtendDeadlineRequest,
  FileReadRequest,
  FileWriteRequest,
  ListSubmissionsRequest,
  ListVersionFilesRequest,
  ListVersionsRequest,
  ReadVersionFileRequest,
  RestoreVersionRequest,
  SubmitRequest,
  type VersionSummary,
} from '@classpod/protocol';
import { SyncSession } from '@classpod/sync';
import { ManualClock } from '../../src/time/clock';
import { DATABASE_TARGETS, hubDatabase } from '../support/databases';
import { startTestHub, type TestHub } from '../support/test-hub';
import type { TestClient } from '../support/test-client';
import { waitFor } from '@classpod/test-support';

const START = new Date('2026-11-02T09:00:00.000Z');
const DAY = 86_400_000;

/** Processes whose command line names this data folder's workspaces (the local provider's agents). */
function workspaceProcesses(dataDir: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(join(dataDir, 'workspaces'))) out.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Every blob file of the hub's store. */
function blobCount(dataDir: string): number {
  const dir = join(dataDir, 'blobs');
  return readdirSync(dir).reduce((n, sub) => n + readdirSync(join(dir, sub)).filter((f) => !f.endsWith('.tmp')).length, 0);
}

for (const target of DATABASE_TARGETS) describe(`versions at the hub (${target.name})`, function () {
  this.timeout(180_000);
  let t: TestHub | undefined;
  let clock: ManualClock;
  let db: { drop(): Promise<void> } | undefined;
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeEach(async function () {
    clock = new ManualClock(START);
    const database = await hubDatabase(this, target);
    db = database;
    t = await startTestHub({ clock, databaseUrl: database.databaseUrl, versionDebounceMs: 150, versionRefreshMs: 300 });
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await t?.close();
    t = undefined;
    await db?.drop();
    db = undefined;
  });

  const versionsOf = async (client: TestClient, assignmentId: string, studentId?: string): Promise<VersionSummary[]> =>
    (await client.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId, ...(studentId ? { studentId } : {}) })).versions;
  const waitForVersions = (client: TestClient, assignmentId: string, n: number, studentId?: string): Promise<VersionSummary[]> =>
    waitFor(`${n} versions of ${assignmentId}`, async () => {
      const v = await versionsOf(client, assignmentId, studentId);
      return v.length >= n ? v : undefined;
    });
  const readVersionFile = async (client: TestClient, versionId: string, path: string): Promise<string> =>
    Buffer.from((await client.request(ReadVersionFileRequest.type, { versionId, path })).contentBase64, 'base64').toString('utf8');

  it('records a version at each sync that changes the folder, by the hub clock, files deduplicated; reads and restores one after the workspace stopped', async () => {
    const alice = await t!.connect('alice');
    const gateway = await t!.connect('alice', '/v1/workspaces/cs101--alice/connect');
    // The workspace opened with the starter files: the first version.
    const [first] = await waitForVersions(alice, 'c-sum', 1);
    assert.equal(first!.recordedAt, START.toISOString());

    const local = mkdtempSync(join(tmpdir(), 'classpod-versions-local-'));
    const state = mkdtempSync(join(tmpdir(), 'classpod-versions-state-'));
    cleanups.push(() => rmSync(local, { recursive: true, force: true }), () => rmSync(state, { recursive: true, force: true }));
    const session = await SyncSession.open({ root: local, stateDir: state, remoteRoot: 'c-sum', ignore: [] });
    cleanups.push(() => session.close());
    await session.attach(gateway.endpoint);
    await session.syncNow();
    const starter = readFileSync(join(local, 'sum.c'), 'utf8');

    clock.set(START.getTime() + 60_000);
    writeFileSync(join(local, 'sum.c'), '/* second */ int main(void) { return 0; }\n');
    await session.syncNow();
    const two = await waitForVersions(alice, 'c-sum', 2);
    assert.equal(two[0]!.recordedAt, new Date(START.getTime() + 60_000).toISOString(), 'the time of the hub clock');
    assert.equal(await readVersionFile(alice, two[0]!.id, 'sum.c'), '/* second */ int main(void) { return 0; }\n');

    // Only the new content and the new manifest are stored: everything else is shared.
    const blobsBefore = blobCount(t!.dataDir);
    clock.set(START.getTime() + 120_000);
    writeFileSync(join(local, 'sum.c'), '/* third */ int main(void) { return 1; }\n');
    await session.syncNow();
    const three = await waitForVersions(alice, 'c-sum', 3);
    assert.equal(blobCount(t!.dataDir), blobsBefore + 2);
    const filesTwo = (await alice.request(ListVersionFilesRequest.type, { versionId: two[0]!.id })).files;
    const filesThree = (await alice.request(ListVersionFilesRequest.type, { versionId: three[0]!.id })).files;
    assert.deepEqual(
      filesThree.filter((f) => f.path !== 'sum.c'),
      filesTwo.filter((f) => f.path !== 'sum.c'),
    );
    assert.ok(!filesThree.some((f) => f.path.startsWith('.classpod')), 'the hub’s own files are not part of a version');

    // A sync that changes nothing records nothing.
    await session.syncNow();
    await t!.hub.versionWatcher.flush({ courseId: 'cs101', studentId: 'alice' });
    assert.equal((await versionsOf(alice, 'c-sum')).length, 3);
    const metrics = await (await fetch(`${t!.hub.url}/metrics`)).text();
    assert.match(metrics, /^classpod_hub_versions_total\{outcome="recorded"\} ([3-9]|\d\d+)$/m);
    assert.match(metrics, /^classpod_hub_versions_total\{outcome="unchanged"\} [1-9]/m);

    // The workspace stops: versions are still there, bytes and all.
    session.detach();
    gateway.close();
    await t!.hub.provider.stop({ courseId: 'cs101', studentId: 'alice' });
    await waitFor('no agent process', async () => (workspaceProcesses(t!.dataDir).length === 0 ? true : undefined));
    assert.equal(await readVersionFile(alice, first!.id, 'sum.c'), starter);

    // Restore the second version: the workspace (started for it) holds its bytes again, and a sync brings them home.
    clock.set(START.getTime() + 180_000);
    const restored = await alice.request(RestoreVersionRequest.type, { versionId: two[0]!.id });
    assert.deepEqual(restored.restored.includes('sum.c'), true);
    const again = await t!.connect('alice', '/v1/workspaces/cs101--alice/connect');
    const inWorkspace = await again.request(FileReadRequest.type, { path: 'c-sum/sum.c' });
    assert.equal(Buffer.from(inWorkspace.contentBase64, 'base64').toString('utf8'), '/* second */ int main(void) { return 0; }\n');
    await session.attach(again.endpoint);
    await session.syncNow();
    assert.equal(readFileSync(join(local, 'sum.c'), 'utf8'), '/* second */ int main(void) { return 0; }\n');
    // The restored state is itself a version (the newest), the same content as the second.
    const four = await waitForVersions(alice, 'c-sum', 4);
    assert.equal(four[0]!.manifestHash, two[0]!.manifestHash);
    session.detach();
  });

  it('restores a workspace whose volume was lost, from the hub', async () => {
    const alice = await t!.connect('alice');
    const gw = await t!.connect('alice', '/v1/workspaces/cs101--alice/connect');
    await gw.request(FileWriteRequest.type, { path: 'c-sum/sum.c', contentBase64: Buffer.from('alice’s only copy').toString('base64') });
    const [kept] = await waitFor('the version with her work', async () => {
      const v = await versionsOf(alice, 'c-sum');
      return v[0] && (await readVersionFile(alice, v[0].id, 'sum.c')) === 'alice’s only copy' ? v : undefined;
    });
    gw.close();
    await t!.hub.provider.stop({ courseId: 'cs101', studentId: 'alice' });
    rmSync(join(t!.dataDir, 'workspaces/cs101/alice'), { recursive: true, force: true });

    const r = await alice.request(RestoreVersionRequest.type, { versionId: kept!.id });
    assert.ok(r.restored.includes('sum.c'));
    assert.equal(readFileSync(join(t!.dataDir, 'workspaces/cs101/alice/c-sum/sum.c'), 'utf8'), 'alice’s only copy');
  });

  it('collects a class at the deadline from the history with every workspace stopped, each non-submitter once, at the due time', async () => {
    const due = new Date((await t!.hub.store.assignments.get('cs101', 'c-sum'))!.dueAt!);
    const prof = await t!.connect('prof');
    const students = ['alice', 'bob', 'carol'];
    const clients: Record<string, TestClient> = {};
    for (const s of students) clients[s] = await t!.connect(s);
    // carol has one more day.
    const carolDue = new Date(due.getTime() + DAY);
    await prof.request(ExtendDeadlineRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'carol', dueAt: carolDue.toISOString() });

    const work = async (s: string, at: number, text: string): Promise<void> => {
      clock.set(at);
      const before = (await versionsOf(clients[s]!, 'c-sum')).length;
      const gw = await t!.connect(s, `/v1/workspaces/cs101--${s}/connect`);
      await waitForVersions(clients[s]!, 'c-sum', 1);
      await gw.request(FileWriteRequest.type, { path: 'c-sum/sum.c', contentBase64: Buffer.from(text).toString('base64') });
      await waitForVersions(clients[s]!, 'c-sum', Math.max(2, before + 1));
      gw.close();
    };
    await work('alice', due.getTime() - 3_600_000, 'alice before the due time');
    await work('bob', due.getTime() - 1_800_000, 'bob before the due time');
    await work('carol', due.getTime() - 600_000, 'carol before the due time');
    // bob works on after the due time: that is not what is collected.
    await work('bob', due.getTime() + 60_000, 'bob after the due time');
    // carol works on within her extension.
    await work('carol', due.getTime() + 3_600_000, 'carol within her extension');
    // alice submits on time: she is not collected.
    clock.set(due.getTime() - 1000);
    const aliceSub = (await clients.alice!.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission;

    for (const s of students) await t!.hub.provider.stop({ courseId: 'cs101', studentId: s });
    await waitFor('every agent process gone', async () => (workspaceProcesses(t!.dataDir).length === 0 ? true : undefined));
    const started: string[] = [];
    const unsubscribe = t!.hub.provider.onStatus((s) => {
      if (s.state !== 'stopped') started.push(`${s.workspaceId}:${s.state}`);
    });
    cleanups.push(unsubscribe);

    clock.set(due.getTime() + 5 * 60_000);
    const collected = (await t!.hub.deadlines.collectDue()).filter((c) => c.assignmentId === 'c-sum');
    assert.deepEqual(collected.map((c) => c.studentId), ['bob']);
    clock.set(carolDue.getTime() + 5 * 60_000);
    assert.deepEqual((await t!.hub.deadlines.collectDue()).filter((c) => c.assignmentId === 'c-sum').map((c) => c.studentId), ['carol']);
    assert.deepEqual(await t!.hub.deadlines.collectDue(), [], 'a second look collects nothing more');

    assert.deepEqual(started, [], 'no workspace was started');
    assert.deepEqual(workspaceProcesses(t!.dataDir), [], 'no workspace process runs');
    for (const s of students) assert.equal((await t!.hub.provider.status({ courseId: 'cs101', studentId: s })).state, 'stopped');

    const subs = (await prof.request(ListSubmissionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submissions;
    assert.deepEqual(subs.map((s) => `${s.studentId}:${s.source}`).sort(), ['alice:submitted', 'bob:collected', 'carol:collected']);
    const bob = subs.find((s) => s.studentId === 'bob')!;
    const carol = subs.find((s) => s.studentId === 'carol')!;
    assert.equal(subs.find((s) => s.studentId === 'alice')!.id, aliceSub.id);
    assert.equal(bob.submittedAt, due.toISOString(), 'stamped with the due time it stands for');
    assert.equal(carol.submittedAt, carolDue.toISOString(), 'her own due time');
    for (const s of [bob, carol]) {
      assert.equal(s.late, false);
      assert.equal(s.penaltyPercent, 0);
    }
    const bobAtDue = (await versionsOf(prof, 'c-sum', 'bob')).find((v) => v.recordedAt <= due.toISOString())!;
    assert.equal(bob.snapshotHash, bobAtDue.manifestHash);
    const snapshotText = async (hash: string): Promise<string> => {
      const entry = (await t!.hub.blobs.manifest(hash)).find((e) => e.path === 'sum.c')!;
      return (await t!.hub.blobs.get(entry.sha256)).toString('utf8');
    };
    assert.equal(await snapshotText(bob.snapshotHash), 'bob before the due time');
    assert.equal(await snapshotText(carol.snapshotHash), 'carol within her extension');
    assert.equal((await t!.hub.store.jobs.counts()).queued, 3, 'each collected snapshot is queued for grading once');
  });
});
