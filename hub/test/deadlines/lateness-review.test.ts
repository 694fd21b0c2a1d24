// Late work judged again when what it was judged on changes, against a real
// hub by its (injected) clock: an extension granted after a late submission
// takes the penalty away, late days granted afterwards spend on it, new dates
// or a new penalty per day apply to what was handed in. The student and the
// staff hear the new score (cause `lateness`), and the gradebook and the grades
// CSV say the same. From the other side: nothing of another student changes,
// a student cannot grant themselves the change, and judging again twice
// writes nothing the second time.

import assert from 'node:assert/strict';
import {
  ExportGradesRequest,
  ExtendDeadlineRequest,
  GetGradebookRequest,
  GrantLateDaysRequest,
  ListAssignmentsRequest,
  SetAssignmentDatesRequest,
  SubmitRequest,
  type SubmissionSummary,
} from '@classpod/protocol';
import { parse as parseCsv } from 'csv-parse/sync';
import { reviewLateness } from '../../src/deadlines/lateness-review';
import { ManualClock } from '../../src/time/clock';
import { refusal } from '../support/refusals';
import { layOutWorkspaces, startTestHub, type TestHub } from '../support/test-hub';
import type { TestClient } from '../support/test-client';

const START = new Date('2026-11-02T09:00:00.000Z');
const H = 3_600_000;
const DAY = 24 * H;

describe('late work judged again (real hub)', function () {
  this.timeout(120_000);
  let t: TestHub | undefined;
  let clock: ManualClock;
  let prof: TestClient;
  let alice: TestClient;
  let csumDue: number;

  beforeEach(async () => {
    clock = new ManualClock(START);
    t = await startTestHub({ clock });
    await layOutWorkspaces(t, ['alice', 'bob']);
    prof = await t.connect('prof');
    alice = await t.connect('alice');
    // c-sum: 10 % a day, cut-off 3 days after the due time.
    csumDue = Date.parse((await alice.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'c-sum')!.dueAt!);
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** Submit c-sum as `who` at `at`, graded 80/100 (the score the grader would record; lateness is what is under test). */
  const submitGraded = async (who: TestClient, at: number): Promise<SubmissionSummary> => {
    clock.set(at);
    const s = (await who.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission;
    await t!.hub.store.database.db.updateTable('submissions').set({ status: 'graded', raw_score: 80, max_score: 100 }).where('id', '=', s.id).execute();
    return s;
  };
  const stored = async (id: string) => (await t!.hub.store.submissions.get(id))!;
  const cell = async (student: string) => (await prof.request(GetGradebookRequest.type, { courseId: 'cs101' })).cells.find((c) => c.studentId === student && c.assignmentId === 'c-sum')!;
  const csvRow = async (student: string) =>
    (parseCsv((await prof.request(ExportGradesRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).csv, { columns: true }) as Array<Record<string, string>>).find((r) => r.student_id === student)!;
  const latenessEvent = (c: TestClient, submissionId: string) =>
    c.waitForEvent('events/scoreChanged', (p) => p.submissionId === submissionId && p.cause === 'lateness', 30_000);

  it('takes the penalty away when an extension is granted after the late submission, and says so to both sides', async () => {
    const bob = await t!.connect('bob');
    const late = await submitGraded(alice, csumDue + 2 * DAY + H); // 3 started days: 30 %
    const bobs = await submitGraded(bob, csumDue + 2 * DAY + H);
    assert.deepEqual([late.late, late.penaltyPercent], [true, 30]);
    assert.equal((await cell('alice')).score, 56);

    await prof.request(ExtendDeadlineRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'alice', dueAt: new Date(csumDue + 3 * DAY).toISOString(), comment: 'hospital' });

    const s = await stored(late.id);
    assert.deepEqual([s.late, s.penaltyPercent, s.lateDaysUsed ?? 0], [false, 0, 0], 'on time by her new due time');
    const heard = await latenessEvent(alice, late.id);
    assert.deepEqual([heard.score, heard.counts, heard.lateness], [80, true, { late: false, penaltyPercent: 0, lateDaysUsed: 0 }]);
    await latenessEvent(prof, late.id);
    const c = await cell('alice');
    assert.deepEqual([c.score, c.late], [80, false]);
    assert.deepEqual([(await csvRow('alice')).penalty_percent, (await csvRow('alice')).score], ['0', '80']);
    // Bob, submitted at the same moment, is as late as before, and hears nothing about it.
    const b = await stored(bobs.id);
    assert.deepEqual([b.late, b.penaltyPercent], [true, 30]);
    assert.equal((await cell('bob')).score, 56);
    assert.ok(!bob.events.some((e) => e.method === 'events/scoreChanged' && e.params.cause === 'lateness'), 'nothing for Bob');
    assert.ok(!bob.events.some((e) => e.method === 'events/scoreChanged' && e.params.studentId === 'alice'), "Bob hears nothing of Alice's score");
  });

  it('spends late days granted after the late submission, by the rule of days held before it', async () => {
    const late = await submitGraded(alice, csumDue + 20 * 60_000); // 1 started day, no late days: 10 %
    assert.deepEqual([late.penaltyPercent, late.lateDaysUsed], [10, undefined]);
    const granted = await prof.request(GrantLateDaysRequest.type, { courseId: 'cs101', studentId: 'alice', days: 1, comment: 'illness' });
    assert.deepEqual(granted.account, { studentId: 'alice', total: 1, used: 1, remaining: 0 }, 'the day is spent on the late work');
    const s = await stored(late.id);
    assert.deepEqual([s.late, s.penaltyPercent, s.lateDaysUsed], [true, 0, 1]);
    assert.deepEqual((await latenessEvent(alice, late.id)).lateness, { late: true, penaltyPercent: 0, lateDaysUsed: 1 });
    const c = await cell('alice');
    assert.deepEqual([c.score, c.lateDaysUsed], [80, 1]);
    assert.deepEqual([(await csvRow('alice')).late_days_used, (await csvRow('alice')).penalty_percent], ['1', '0']);
  });

  it("applies new dates and a new penalty per day to the work already handed in, and judging again twice writes nothing", async () => {
    const bob = await t!.connect('bob');
    const onTime = await submitGraded(bob, csumDue - H);
    const late = await submitGraded(alice, csumDue + DAY + H); // 2 days: 20 %
    await prof.request(SetAssignmentDatesRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', penaltyPercentPerDay: 25 });
    assert.equal((await stored(late.id)).penaltyPercent, 50);
    assert.equal((await latenessEvent(alice, late.id)).score, 40);
    // The due time moved two hours earlier: Bob's on-time work is now 1 hour late (one day at 25 %).
    await prof.request(SetAssignmentDatesRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', dueAt: new Date(csumDue - 2 * H).toISOString() });
    const b = await stored(onTime.id);
    assert.deepEqual([b.late, b.penaltyPercent], [true, 25]);
    assert.equal((await stored(late.id)).penaltyPercent, 50, 'still 2 started days late');
    assert.deepEqual(await t!.hub.store.transaction((tx) => reviewLateness(tx, 'cs101')), [], 'nothing left to change');
  });

  it('refuses a student who would lift their own penalty, and changes nothing', async () => {
    const late = await submitGraded(alice, csumDue + DAY + H);
    await assert.rejects(
      alice.request(ExtendDeadlineRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'alice', dueAt: new Date(csumDue + 5 * DAY).toISOString() }),
      refusal('Forbidden', /professor/),
    );
    await assert.rejects(alice.request(GrantLateDaysRequest.type, { courseId: 'cs101', studentId: 'alice', days: 9 }), refusal('Forbidden', /only professors/));
    await assert.rejects(alice.request(SetAssignmentDatesRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', penaltyPercentPerDay: 0 }), refusal('Forbidden', /professor/));
    const s = await stored(late.id);
    assert.deepEqual([s.late, s.penaltyPercent], [true, 20]);
    assert.ok(!alice.events.some((e) => e.method === 'events/scoreChanged' && e.params.cause === 'lateness'));
  });
});
