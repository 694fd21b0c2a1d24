// Late days on a group assignment against a real hub, by its (injected)
// clock (src/deadlines/late-days.ts): a group's late submission may use the
// least any member has left and charges every member; a member with none
// leaves the penalty; a member's own earlier spending lowers what the group
// may use; the cut-off moves by the group's days and the refusal past it says
// why; days granted to a member afterwards re-judge the group's work; each member's view, the gradebook and the grades CSV show the group's
// days and the member's own left; a member who leaves has the days back. And
// the attacker's side: no student makes a group spend another group's or a
// non-member's days, forged ids are refused, and a refusal writes nothing.

import assert from 'node:assert/strict';
import {
  ExportGradesRequest,
  ExtendDeadlineRequest,
  GetGradebookRequest,
  GrantAttemptsRequest,
  GrantLateDaysRequest,
  ListAssignmentsRequest,
  SaveGroupRequest,
  SubmitRequest,
  UpdateCourseRequest,
} from '@classpod/protocol';
import { parse as parseCsv } from 'csv-parse/sync';
import { ManualClock } from '../../src/time/clock';
import { refusal, refusalOf } from '../support/refusals';
import type { TestClient } from '../support/test-client';
import { layOutWorkspaces, startTestHub, type TestHub } from '../support/test-hub';

const START = new Date('2026-11-02T09:00:00.000Z');
const H = 3_600_000;
const DAY = 24 * H;
/** team-sum: a group assignment due 5 days after start, cut-off a day after, 10 % a day. */
const DUE = START.getTime() + 5 * DAY;
const CUTOFF = DUE + DAY;
const TEAM_A = 'team-sum--team-a';

/** team-sum (a copy of c-sum done in groups of two), with the dates above. */
async function addTeamSum(t: TestHub): Promise<void> {
  const base = (await t.hub.store.assignments.get('cs101', 'c-sum'))!;
  await t.hub.store.assignments.upsert({ ...base, id: 'team-sum', title: 'Team sum', dueAt: new Date(DUE).toISOString(), cutoffAt: new Date(CUTOFF).toISOString(), penaltyPercentPerDay: 10, groupMaxSize: 2 });
}

describe('late days on a group assignment (real hub)', function () {
  this.timeout(120_000);
  let t: TestHub | undefined;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(START);
    t = await startTestHub({ clock });
    await addTeamSum(t);
    const base = (await t.hub.store.assignments.get('cs101', 'c-sum'))!;
    // c-sum, each student's own: due 2 days after start, cut-off 3 days after that.
    await t.hub.store.assignments.upsert({ ...base, dueAt: new Date(START.getTime() + 2 * DAY).toISOString(), cutoffAt: new Date(START.getTime() + 5 * DAY).toISOString() });
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const layout = (...owners: string[]): Promise<void> => layOutWorkspaces(t!, owners);
  const group = (prof: TestClient, groupId: string, members: string[]) => prof.request(SaveGroupRequest.type, { courseId: 'cs101', assignmentId: 'team-sum', groupId, members });
  const view = async (who: string, id = 'team-sum') => (await (await t!.connect(who)).request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === id)!;
  const stored = async () => t!.hub.store.submissions.list({ courseId: 'cs101' });
  const submit = async (who: string, assignmentId = 'team-sum') => (await (await t!.connect(who)).request(SubmitRequest.type, { courseId: 'cs101', assignmentId })).submission;

  it('lets a group use no days when a member has none: the penalty applies, and nobody is charged', async () => {
    const prof = await t!.connect('prof');
    await prof.request(GrantLateDaysRequest.type, { courseId: 'cs101', studentId: 'bob', days: 2 });
    await group(prof, 'team-a', ['alice', 'bob']);
    await layout(TEAM_A);
    // Bob has 2 days, Alice none: the group may use none, so the cut-off does not move.
    assert.deepEqual((await view('bob')).lateDays, { remaining: 2, allowed: 0, used: 0, lastSubmissionAt: new Date(CUTOFF).toISOString() });
    clock.set(CUTOFF + 1000);
    await assert.rejects(
      (await t!.connect('bob')).request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' }),
      refusal('Forbidden', new RegExp(`stopped taking submissions at ${new Date(CUTOFF).toISOString()}; your group has no late days left \\(alice has none\\)$`)),
    );
    assert.equal((await stored()).length, 0, 'nothing stored on refusal');
    clock.set(DUE + H);
    const s = await submit('bob');
    assert.equal(s.studentId, TEAM_A);
    assert.deepEqual([s.late, s.lateDaysUsed ?? 0, s.penaltyPercent], [true, 0, 10]);
    const book = await prof.request(GetGradebookRequest.type, { courseId: 'cs101' });
    assert.equal(book.students.find((x) => x.id === 'bob')!.lateDaysRemaining, 2, "bob's days are untouched");
    assert.equal(book.cells.find((c) => c.studentId === 'bob' && c.assignmentId === 'team-sum')!.lateDaysUsed, undefined);

    // A day granted to Alice afterwards: the group's work is judged again, a day from each, no penalty.
    await prof.request(GrantLateDaysRequest.type, { courseId: 'cs101', studentId: 'alice', days: 1 });
    const judged = (await stored()).find((x) => x.id === s.id)!;
    assert.deepEqual([judged.lateDaysUsed, judged.penaltyPercent], [1, 0]);
    const after = await prof.request(GetGradebookRequest.type, { courseId: 'cs101' });
    assert.deepEqual(['alice', 'bob'].map((who) => after.students.find((x) => x.id === who)!.lateDaysRemaining), [0, 1]);
    assert.deepEqual(['alice', 'bob'].map((who) => after.cells.find((c) => c.studentId === who && c.assignmentId === 'team-sum')!.lateDaysUsed), [1, 1]);
  });

  it("charges every member the group's days, shows them to each member, in the gradebook and the CSV, and leaves another group alone", async () => {
    const prof = await t!.connect('prof');
    await prof.request(UpdateCourseRequest.type, { courseId: 'cs101', lateDays: 2 });
    await group(prof, 'team-a', ['alice', 'bob']);
    await group(prof, 'team-b', ['carol']);
    await layout(TEAM_A, 'team-sum--team-b');
    assert.deepEqual((await view('alice')).lateDays, { remaining: 2, allowed: 2, used: 0, lastSubmissionAt: new Date(CUTOFF + 2 * DAY).toISOString() });
    // Past the cut-off the group's 2 days moved: refused, saying why; nothing written.
    clock.set(CUTOFF + 2 * DAY + 1000);
    await assert.rejects(
      (await t!.connect('alice')).request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' }),
      refusal('Forbidden', new RegExp(`stopped taking submissions at ${new Date(CUTOFF + 2 * DAY).toISOString()}, after your group's 2 late days$`)),
    );
    assert.equal((await stored()).length, 0, 'nothing stored on refusal');
    // 2 days late: 2 days from each member, no penalty.
    clock.set(DUE + DAY + H);
    const s = await submit('alice');
    assert.deepEqual([s.studentId, s.late, s.lateDaysUsed, s.penaltyPercent], [TEAM_A, true, 2, 0]);
    for (const who of ['alice', 'bob']) {
      assert.deepEqual((await view(who)).lateDays, { remaining: 0, allowed: 2, used: 2, lastSubmissionAt: new Date(CUTOFF + 2 * DAY).toISOString() }, who);
      assert.deepEqual((await view(who, 'c-sum')).lateDays?.remaining, 0, `${who}'s own days are spent`);
    }
    assert.deepEqual((await view('carol')).lateDays, { remaining: 2, allowed: 2, used: 0, lastSubmissionAt: new Date(CUTOFF + 2 * DAY).toISOString() }, 'another group untouched');

    const book = await prof.request(GetGradebookRequest.type, { courseId: 'cs101' });
    const cell = (who: string) => book.cells.find((c) => c.studentId === who && c.assignmentId === 'team-sum')!;
    assert.deepEqual([cell('alice').lateDaysUsed, cell('bob').lateDaysUsed, cell('carol').lateDaysUsed], [2, 2, undefined]);
    assert.deepEqual(
      ['alice', 'bob', 'carol'].map((who) => book.students.find((x) => x.id === who)!.lateDaysRemaining),
      [0, 0, 2],
    );
    assert.ok(!book.students.some((x) => x.id.includes('--')), 'no account row for the group');
    const rows = parseCsv((await prof.request(ExportGradesRequest.type, { courseId: 'cs101' })).csv, { columns: true }) as Array<Record<string, string>>;
    const row = (who: string) => rows.find((r) => r.student_id === who && r.assignment_id === 'team-sum')!;
    assert.deepEqual(['alice', 'bob', 'carol'].map((who) => [row(who).late_days_used, row(who).late_days_remaining]), [['2', '0'], ['2', '0'], ['0', '2']]);
    assert.ok(!rows.some((r) => r.student_id!.includes('--')), 'no CSV row for the group');
  });

  it("lowers what the group may use by a member's own earlier spending, and gives a leaving member the days back", async () => {
    const prof = await t!.connect('prof');
    await prof.request(UpdateCourseRequest.type, { courseId: 'cs101', lateDays: 2 });
    await group(prof, 'team-a', ['alice', 'bob']);
    await layout('bob', TEAM_A);
    // Bob's own c-sum, 1 h late: 1 of his days.
    clock.set(START.getTime() + 2 * DAY + H);
    assert.equal((await submit('bob', 'c-sum')).lateDaysUsed, 1);
    assert.deepEqual((await view('alice')).lateDays?.allowed, 1, 'the group may use what Bob has left');
    // The group 2 days late: 1 day each (Bob's last), 1 day's penalty.
    clock.set(DUE + DAY + H);
    const s = await submit('alice');
    assert.deepEqual([s.lateDaysUsed, s.penaltyPercent], [1, 10]);
    assert.deepEqual((await view('alice')).lateDays, { remaining: 1, allowed: 1, used: 1, lastSubmissionAt: new Date(CUTOFF + DAY).toISOString() });
    assert.deepEqual((await view('bob')).lateDays?.remaining, 0);

    // Bob leaves: the group's work is Alice's alone now, judged again by her days; Bob has his back.
    await group(prof, 'team-a', ['alice']);
    const after = (await stored()).find((x) => x.id === s.id)!;
    assert.deepEqual([after.lateDaysUsed, after.penaltyPercent], [2, 0]);
    const book = await prof.request(GetGradebookRequest.type, { courseId: 'cs101' });
    assert.deepEqual(['alice', 'bob'].map((who) => book.students.find((x) => x.id === who)!.lateDaysRemaining), [0, 1]);
    assert.equal(book.cells.find((c) => c.studentId === 'bob' && c.assignmentId === 'team-sum')!.lateDaysUsed, undefined);
    // He joins again: charged again, and the group is back to what the least of them has.
    await group(prof, 'team-a', ['alice', 'bob']);
    const again = (await stored()).find((x) => x.id === s.id)!;
    assert.deepEqual([again.lateDaysUsed, again.penaltyPercent], [1, 10]);
  });

  it("lets no student make a group spend another group's or a non-member's days; forged ids are refused and nothing is written", async () => {
    const prof = await t!.connect('prof');
    await prof.request(UpdateCourseRequest.type, { courseId: 'cs101', lateDays: 2 });
    await group(prof, 'team-a', ['alice', 'bob']);
    await layout(TEAM_A, 'carol');
    clock.set(DUE + H);
    const before = await t!.hub.store.lateDays.grantedByStudent('cs101');
    const carol = await t!.connect('carol');
    const dave = await t!.connect('dave');
    const forged: Array<[TestClient, Record<string, unknown>, string]> = [
      [carol, { courseId: 'cs101', assignmentId: TEAM_A }, 'InvalidParams'],
      [carol, { courseId: 'cs101', assignmentId: 'team-sum/../team-a' }, 'InvalidParams'],
      [dave, { courseId: 'cs101', assignmentId: 'team-sum' }, 'Forbidden'],
    ];
    for (const [who, params, code] of forged) {
      const r = await refusalOf(who.request(SubmitRequest.type, params as never));
      assert.equal(r.code, code, `${JSON.stringify(params)}: ${r.message}`);
    }
    // Days granted to a group's work owner id, or to someone of another course: refused.
    for (const studentId of [TEAM_A, 'dave', 'team-sum--team-zz']) {
      const r = await refusalOf(prof.request(GrantLateDaysRequest.type, { courseId: 'cs101', studentId, days: 3 }));
      assert.ok(['NotFound', 'InvalidParams'].includes(r.code), `${studentId}: ${r.code} ${r.message}`);
    }
    assert.equal((await stored()).length, 0, 'no submission stored');
    assert.deepEqual(await t!.hub.store.lateDays.grantedByStudent('cs101'), before, 'no grant stored');

    // Carol, in no group, hands in late naming the group's owner id (a field the method does not
    // take, so the hub never reads it): her own work and her own days, nobody else's.
    const own = (await carol.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'team-sum', studentId: TEAM_A } as never)).submission;
    assert.deepEqual([own.studentId, own.lateDaysUsed], ['carol', 1]);
    assert.deepEqual((await stored()).map((x) => x.studentId), ['carol']);
    const book = await prof.request(GetGradebookRequest.type, { courseId: 'cs101' });
    assert.deepEqual(['alice', 'bob', 'carol'].map((who) => book.students.find((x) => x.id === who)!.lateDaysRemaining), [2, 2, 1]);
    assert.deepEqual((await view('alice')).lateDays, { remaining: 2, allowed: 2, used: 0, lastSubmissionAt: new Date(CUTOFF + 2 * DAY).toISOString() });
  });
});

describe('extensions on a group assignment (real hub)', function () {
  this.timeout(120_000);
  let t: TestHub | undefined;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(START);
    t = await startTestHub({ clock });
    await addTeamSum(t);
    await layOutWorkspaces(t, [TEAM_A]);
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it("extends the group's deadline when staff extend a member's: every member sees it, and the group's work is judged by it", async () => {
    const prof = await t!.connect('prof');
    await prof.request(SaveGroupRequest.type, { courseId: 'cs101', assignmentId: 'team-sum', groupId: 'team-a', members: ['alice', 'bob'] });
    const alice = await t!.connect('alice');
    // Handed in an hour late: one day's penalty.
    clock.set(DUE + H);
    const late = (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' })).submission;
    assert.deepEqual([late.late, late.penaltyPercent], [true, 10]);
    const extended = new Date(DUE + 2 * DAY).toISOString();
    const answer = await prof.request(ExtendDeadlineRequest.type, { courseId: 'cs101', assignmentId: 'team-sum', studentId: 'bob', dueAt: extended, comment: 'the whole group was ill' });
    assert.deepEqual([answer.assignment.dueAt, answer.assignment.extended], [extended, true]);
    for (const who of ['alice', 'bob']) {
      const seen = (await (await t!.connect(who)).request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'team-sum')!;
      assert.deepEqual([seen.dueAt, seen.extended], [extended, true], who);
    }
    const s = (await t!.hub.store.submissions.get(late.id))!;
    assert.deepEqual([s.late, s.penaltyPercent], [false, 0], 'on time by the group’s new due time');
    // And the group may still hand in until then, by the same deadline it is shown.
    clock.set(DUE + DAY + H);
    const again = (await (await t!.connect('bob')).request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' })).submission;
    assert.equal(again.late, false);
    // Carol, in no group, keeps the class's due time.
    const carol = (await (await t!.connect('carol')).request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'team-sum')!;
    assert.deepEqual([carol.dueAt, carol.extended], [new Date(DUE).toISOString(), false]);
    const entry = (await t!.hub.store.audit.list('cs101')).find((e) => e.action === 'deadline.extend')!;
    assert.equal(entry.target, `team-sum/${TEAM_A}`);
  });

  it("grants the group extra submissions when staff grant a member some: the group submits as one", async () => {
    const a = (await t!.hub.store.assignments.get('cs101', 'team-sum'))!;
    await t!.hub.store.assignments.upsert({ ...a, maxAttempts: 1 });
    const prof = await t!.connect('prof');
    await prof.request(SaveGroupRequest.type, { courseId: 'cs101', assignmentId: 'team-sum', groupId: 'team-a', members: ['alice', 'bob'] });
    await (await t!.connect('alice')).request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' });
    clock.set(START.getTime() + H);
    await assert.rejects((await t!.connect('bob')).request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' }), refusal('SubmissionLimit', /1 official submission/));
    const granted = await prof.request(GrantAttemptsRequest.type, { courseId: 'cs101', assignmentId: 'team-sum', studentId: 'bob', extra: 1 });
    assert.deepEqual([granted.assignment.attempts?.used, granted.assignment.attempts?.allowed], [1, 2], 'the group has one more');
    // Alice, the other member, may hand in the group's second.
    const second = (await (await t!.connect('alice')).request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'team-sum' })).submission;
    assert.equal(second.studentId, TEAM_A);
  });
});
