// Deadlines by the hub's (injected) clock: one second before the due time a
// submission is on time, one second after it is late with the policy's
// penalty, after the cut-off it is refused; at the due time the hub collects
// the work of everyone who has not submitted, once.

import assert from 'node:assert/strict';
import { errorCodeName, ExtendDeadlineRequest, ListSubmissionsRequest, ProtocolError, SubmitRequest } from '@classpod/protocol';
import { ManualClock } from '../../src/time/clock';
import { startTestHub, type TestHub } from '../support/test-hub';
import { judgeLateness, effectiveDeadline, finalScore } from '../../src/deadlines/late-policy';
import type { Assignment } from '../../src/store/records';
import { DATABASE_TARGETS, hubDatabase } from '../support/databases';

const START = new Date('2026-11-02T09:00:00.000Z');
const DAY = 86_400_000;

for (const target of DATABASE_TARGETS) describe(`deadlines (${target.name})`, function () {
  this.timeout(60_000);
  let t: TestHub | undefined;
  let clock: ManualClock;
  let db: { drop(): Promise<void> } | undefined;

  beforeEach(async function () {
    clock = new ManualClock(START);
    const database = await hubDatabase(this, target);
    db = database;
    t = await startTestHub({ clock, databaseUrl: database.databaseUrl });
    // Each workspace opens with the starter files, and the hub records that as each folder's first version:
    // what the deadline collects from.
    for (const s of ['alice', 'bob', 'carol']) {
      await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: s });
      await t.hub.versionWatcher.flush({ courseId: 'cs101', studentId: s });
    }
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    await db?.drop();
    db = undefined;
  });

  const dueOf = async (id: string): Promise<Date> => new Date((await t!.hub.store.assignments.get('cs101', id))!.dueAt!);

  it('takes a submission one second before the due time as on time, and one second after as late', async () => {
    // c-sum: due 7 days after start, 10 % per started day late, cut-off 3 days after due.
    const due = await dueOf('c-sum');
    assert.equal(due.getTime(), START.getTime() + 7 * DAY);
    const alice = await t!.connect('alice');
    const bob = await t!.connect('bob');

    clock.set(due.getTime() - 1000);
    const early = (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission;
    assert.equal(early.late, false);
    assert.equal(early.penaltyPercent, 0);
    assert.equal(early.submittedAt, new Date(due.getTime() - 1000).toISOString());

    clock.set(due.getTime() + 1000);
    const late = (await bob.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission;
    assert.equal(late.late, true);
    assert.equal(late.penaltyPercent, 10);
    assert.equal(late.submittedAt, new Date(due.getTime() + 1000).toISOString());

    clock.set(due.getTime() + 2 * DAY + 1000);
    assert.equal((await bob.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission.penaltyPercent, 30);

    clock.set(due.getTime() + 3 * DAY + 1000);
    await assert.rejects(bob.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' }), (err: unknown) => {
      assert.ok(err instanceof ProtocolError);
      assert.equal(errorCodeName(err.code), 'Forbidden');
      assert.match(err.message, /stopped taking submissions/);
      return true;
    });
  });

  it('collects the work of every student who has not submitted, at the due time, once', async () => {
    const due = await dueOf('c-sum');
    const alice = await t!.connect('alice');
    const prof = await t!.connect('prof');
    clock.set(due.getTime() - 1000);
    await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' });
    assert.deepEqual(await t!.hub.deadlines.collectDue(), []);

    clock.set(due.getTime());
    const collected = await t!.hub.deadlines.collectDue();
    assert.deepEqual(collected.filter((c) => c.assignmentId === 'c-sum').map((c) => c.studentId).sort(), ['bob', 'carol']);
    assert.deepEqual(await t!.hub.deadlines.collectDue(), [], 'a second look collects nothing more');

    const subs = (await prof.request(ListSubmissionsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submissions;
    assert.deepEqual(subs.map((s) => `${s.studentId}:${s.source}:${s.late}`).sort(), ['alice:submitted:false', 'bob:collected:false', 'carol:collected:false']);
    for (const s of subs.filter((x) => x.source === 'collected')) assert.equal(s.submittedAt, due.toISOString(), 'stamped with the due time it stands for');
    await prof.waitForEvent('events/submissionAdded', (p) => (p.submission as { source: string }).source === 'collected');
    assert.equal((await t!.hub.store.jobs.counts()).queued, 3);
  });

  it('moves one student’s due time with an extension, and collects them later', async () => {
    const due = await dueOf('c-sum');
    const prof = await t!.connect('prof');
    const carol = await t!.connect('carol');
    const extended = new Date(due.getTime() + DAY).toISOString();
    const r = await prof.request(ExtendDeadlineRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'carol', dueAt: extended, comment: 'ill' });
    assert.equal(r.assignment.dueAt, extended);
    assert.equal(r.assignment.extended, true);

    clock.set(due.getTime() + 1000);
    assert.deepEqual((await t!.hub.deadlines.collectDue()).filter((c) => c.assignmentId === 'c-sum').map((c) => c.studentId).sort(), ['alice', 'bob']);
    const onTime = (await carol.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission;
    assert.equal(onTime.late, false);

    clock.set(due.getTime() + DAY + 1000);
    assert.deepEqual((await t!.hub.deadlines.collectDue()).filter((c) => c.assignmentId === 'c-sum'), [], 'carol had submitted');
  });
});

describe('late policy', () => {
  const a = {
    id: 'x',
    dueAt: '2026-11-10T12:00:00.000Z',
    cutoffAt: '2026-11-12T12:00:00.000Z',
    opensAt: '2026-11-01T00:00:00.000Z',
    penaltyPercentPerDay: 25,
  } as Assignment;

  it('charges per started day and refuses before opening and after the cut-off', () => {
    const d = effectiveDeadline(a, undefined);
    assert.deepEqual(judgeLateness(a, d, new Date('2026-11-10T12:00:00.000Z')), { kind: 'on-time' });
    assert.deepEqual(judgeLateness(a, d, new Date('2026-11-10T12:00:01.000Z')), { kind: 'late', days: 1, penaltyPercent: 25 });
    assert.deepEqual(judgeLateness(a, d, new Date('2026-11-11T12:00:01.000Z')), { kind: 'late', days: 2, penaltyPercent: 50 });
    assert.equal(judgeLateness(a, d, new Date('2026-11-12T12:00:01.000Z')).kind, 'refused');
    assert.equal(judgeLateness(a, d, new Date('2026-10-31T00:00:00.000Z')).kind, 'refused');
  });

  it('refuses late work when there is no cut-off, and moves the cut-off with an extension', () => {
    const strict = { ...a, cutoffAt: undefined } as Assignment;
    assert.equal(judgeLateness(strict, effectiveDeadline(strict, undefined), new Date('2026-11-10T12:00:01.000Z')).kind, 'refused');
    const ext = { courseId: 'c', assignmentId: 'x', studentId: 's', dueAt: '2026-11-11T12:00:00.000Z', grantedBy: 'p' };
    const d = effectiveDeadline(a, ext);
    assert.equal(d.cutoffAt?.toISOString(), '2026-11-13T12:00:00.000Z');
  });

  it('takes the penalty off the raw score, unless a person overrode it', () => {
    assert.equal(finalScore(80, 25, undefined), 60);
    assert.equal(finalScore(80, 25, { score: 95 }), 95);
    assert.equal(finalScore(undefined, 0, undefined), undefined);
  });
});
