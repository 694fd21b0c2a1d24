// The last second before a due time, with a real hub and a real agent: an
// edit synced just before the deadline is recorded as the version it is (at
// the time the hub was told of it), and collected, though its quiet time
// ends after the due time and the collector runs before that. A long quiet
// time makes the race certain instead of likely.

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
    t = await startTestHub({ clock, versionDebounceMs: 60_000, versionRefreshMs: 300 });
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

    // The deadline passes while the change still waits for its quiet time (a minute here).
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
});
