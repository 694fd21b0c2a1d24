// The last second before a due time, with a real hub and a real agent: an
// edit synced just before the deadline is recorded as the version it is (at
// the time the hub was told of it), and collected, though its quiet time
// ends after the due time and the collector runs before that; and a change
// made just before the due time is recorded at the due time at the latest, so
// a change after it does not hide it. A long quiet time (ten minutes) makes
// the races certain instead of likely.

import assert from 'node:assert/strict';
import { FileWriteRequest, ListSubmissionsRequest, ListVersionsRequest } from '@classpod/protocol';
import { waitFor } from '@classpod/test-support';
import { ManualClock } from '../../src/time/clock';
import { startTestHub, type TestHub } from '../support/test-hub';

const START = new Date('2026-11-02T09:00:00.000Z');

describe('deadline collection in the last second (real hub, real agent)', function () {
  this.timeout(120_000);
  let t: TestHub | undefined;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(START);
    t = await startTestHub({ clock, versionDebounceMs: 600_000, versionRefreshMs: 300 });
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('collects an edit synced a second before the due time, recorded at the time the hub was told of it', async () => {
    const due = new Date((await t!.hub.store.assignments.get('cs101', 'c-sum'))!.dueAt!).getTime();
    const key = { courseId: 'cs101', studentId: 'alice', assignmentId: 'c-sum' };
    const alice = await t!.connect('alice');
    const gateway = await t!.connect('alice', '/v1/workspaces/cs101--alice/connect');
    await waitFor('the first version', async () => (await t!.hub.versions.latest(key)) ?? undefined);
    await waitFor('nothing waiting to be recorded', async () => ((await t!.hub.versionWatcher.hasPending(key, 'c-sum')) ? undefined : true));

    clock.set(due - 1000);
    await gateway.request(FileWriteRequest.type, { path: 'c-sum/sum.c', contentBase64: Buffer.from('/* the last second */\n').toString('base64') });
    await waitFor('the hub told of the change', async () => ((await t!.hub.versionWatcher.hasPending(key, 'c-sum')) ? true : undefined));

    // The deadline passes while the change still waits for its quiet time (ten minutes here).
    clock.set(due + 1000);
    const collected = (await t!.hub.deadlines.collectDue()).filter((c) => c.assignmentId === 'c-sum' && c.studentId === 'alice');
    assert.equal(collected.length, 1);
    assert.ok(collected[0]!.submissionId, JSON.stringify(collected));

    const [newest] = (await alice.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).versions;
    assert.equal(newest!.recordedAt, new Date(due - 1000).toISOString(), 'the version stands for the time of the change, before the due time');
    const prof = await t!.connect('prof');
    const sub = (await prof.request(ListSubmissionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'alice' })).submissions[0]!;
    assert.equal(sub.source, 'collected');
    assert.equal(sub.snapshotHash, newest!.manifestHash);
    const entry = (await t!.hub.blobs.manifest(sub.snapshotHash)).find((e) => e.path === 'sum.c')!;
    assert.equal((await t!.hub.blobs.get(entry.sha256)).toString('utf8'), '/* the last second */\n');
  });

  it('records a change made a second before the due time at the due time, and collects it though it is overwritten after', async () => {
    const due = new Date((await t!.hub.store.assignments.get('cs101', 'c-sum'))!.dueAt!).getTime();
    const key = { courseId: 'cs101', studentId: 'bob', assignmentId: 'c-sum' };
    const gateway = await t!.connect('bob', '/v1/workspaces/cs101--bob/connect');
    await waitFor('the first version', async () => (await t!.hub.versions.latest(key)) ?? undefined);
    await waitFor('nothing waiting to be recorded', async () => ((await t!.hub.versionWatcher.hasPending(key, 'c-sum')) ? undefined : true));

    clock.set(due - 1000);
    const write = (text: string) => gateway.request(FileWriteRequest.type, { path: 'c-sum/sum.c', contentBase64: Buffer.from(text).toString('base64') });
    await write('/* before the due time */\n');
    // Recorded within about a second (the time left until the due time), not after the ten minutes of quiet.
    const atDue = await waitFor('the version of the last second', async () => {
      const v = await t!.hub.versions.latest(key);
      return v && v.recordedAt === new Date(due - 1000).toISOString() ? v : undefined;
    });

    clock.set(due + 500);
    await write('/* after the due time */\n');
    await waitFor('the hub told of the later change', async () => ((await t!.hub.versionWatcher.hasPending(key, 'c-sum')) ? true : undefined));
    const [collected] = (await t!.hub.deadlines.collectDue()).filter((c) => c.assignmentId === 'c-sum' && c.studentId === 'bob');
    assert.ok(collected?.submissionId, JSON.stringify(collected));
    const sub = (await t!.hub.store.submissions.list({ courseId: 'cs101', assignmentId: 'c-sum' })).find((x) => x.studentId === 'bob')!;
    assert.equal(sub.snapshotHash, atDue.manifestHash);
    assert.equal((await t!.hub.versions.latest(key))!.recordedAt, new Date(due + 500).toISOString(), 'the later change is a version of its own, after the due time');
  });
});
