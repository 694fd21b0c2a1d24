// Late days against a real hub, by its (injected) clock: a course grants
// tokens, a late submission spends them with no penalty, the hub refuses
// after the cut-off the tokens moved, the gradebook and the grades CSV show
// the days used and left, and professors grant more. And the attacker's side:
// a student granting themselves days, values out of range, malformed
// requests — refused, with nothing written.

import assert from 'node:assert/strict';
import {
  ExportGradesRequest,
  GetCourseSettingsRequest,
  GetGradebookRequest,
  GrantLateDaysRequest,
  ListAssignmentsRequest,
  ListAuditRequest,
  SubmitRequest,
  UpdateCourseRequest,
} from '@classpod/protocol';
import { parse as parseCsv } from 'csv-parse/sync';
import { ManualClock } from '../../src/time/clock';
import { refusal } from '../support/refusals';
import { layOutWorkspaces, startTestHub, type TestHub } from '../support/test-hub';

const START = new Date('2026-11-02T09:00:00.000Z');
const H = 3_600_000;
const DAY = 24 * H;

describe('late days (real hub)', function () {
  this.timeout(120_000);
  let t: TestHub | undefined;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(START);
    t = await startTestHub({ clock });
    await layOutWorkspaces(t, ['alice', 'bob']);
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const grants = async (): Promise<number> => Number((await t!.hub.store.database.db.selectFrom('late_day_grants').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const lateDayAudits = async (): Promise<number> => (await t!.hub.store.audit.list('cs101', 1000)).filter((e) => e.action === 'lateDays.grant').length;

  it('spends tokens on a late submission, refuses past the moved cut-off, and shows the days in the gradebook and the export', async () => {
    const prof = await t!.connect('prof');
    const alice = await t!.connect('alice');
    const settings = await prof.request(UpdateCourseRequest.type, { courseId: 'cs101', lateDays: 2 });
    assert.equal(settings.settings.lateDays, 2);
    assert.equal((await prof.request(GetCourseSettingsRequest.type, { courseId: 'cs101' })).settings.lateDays, 2);

    // py-primes: due 21 days after start, 5 % a day, no cut-off: only late days take it late.
    const listed = async () => (await alice.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments;
    const primes = (await listed()).find((a) => a.id === 'py-primes')!;
    const due = Date.parse(primes.dueAt!);
    assert.deepEqual(primes.lateDays, { remaining: 2, allowed: 2, used: 0, lastSubmissionAt: new Date(due + 2 * DAY).toISOString() });

    // 2 days and a second late with 2 tokens and no cut-off: refused, saying when it stopped.
    clock.set(due + 2 * DAY + 1000);
    await assert.rejects(
      alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'py-primes' }),
      refusal('Forbidden', new RegExp(`stopped taking submissions at ${new Date(due + 2 * DAY).toISOString()}, after your 2 late days`)),
    );
    assert.equal((await t!.hub.store.submissions.list({ courseId: 'cs101', studentId: 'alice' })).length, 0, 'nothing stored');

    // 1 h late: taken, one token spent, no penalty.
    clock.set(due + H);
    const late = (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'py-primes' })).submission;
    assert.equal(late.late, true);
    assert.equal(late.penaltyPercent, 0);
    assert.equal(late.lateDaysUsed, 1);
    const after = (await listed()).find((a) => a.id === 'py-primes')!;
    assert.deepEqual([after.state, after.lateDays?.used, after.lateDays?.remaining], ['late', 1, 1]);

    // c-sum was due earlier (cut-off 3 days after, 10 %): 2 days late with 1 token left: 1 spent, 1 day's penalty.
    const csum = (await listed()).find((a) => a.id === 'c-sum')!;
    assert.deepEqual(csum.lateDays?.allowed, 1);
    clock.set(due + H + 1000);
    // (the clock is past c-sum's cut-off + 1 day: refused, the cut-off moved by the one token left)
    await assert.rejects(alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' }), refusal('Forbidden', /stopped taking submissions at .*after your 1 late day$/));

    // The gradebook: days used per cell, left per student; the CSV too.
    const book = await prof.request(GetGradebookRequest.type, { courseId: 'cs101' });
    const cell = book.cells.find((c) => c.studentId === 'alice' && c.assignmentId === 'py-primes')!;
    assert.equal(cell.lateDaysUsed, 1);
    assert.equal(book.cells.find((c) => c.studentId === 'alice' && c.assignmentId === 'c-sum')!.lateDaysUsed, undefined);
    const aliceRow = book.students.find((s) => s.id === 'alice')!;
    assert.deepEqual([aliceRow.lateDaysTotal, aliceRow.lateDaysRemaining], [2, 1]);
    assert.deepEqual([book.students.find((s) => s.id === 'bob')!.lateDaysRemaining], [2]);
    const csv = (await prof.request(ExportGradesRequest.type, { courseId: 'cs101' })).csv;
    const rows = parseCsv(csv, { columns: true }) as Array<Record<string, string>>;
    const row = rows.find((r) => r.student_id === 'alice' && r.assignment_id === 'py-primes')!;
    assert.deepEqual([row.late_days_used, row.late_days_remaining], ['1', '1']);
    assert.deepEqual(
      [rows.find((r) => r.student_id === 'bob' && r.assignment_id === 'c-sum')!.late_days_used, rows.find((r) => r.student_id === 'bob')!.late_days_remaining],
      ['0', '2'],
    );

    // A grant by the professor: one more day, audit-logged; the account answers it.
    const granted = await prof.request(GrantLateDaysRequest.type, { courseId: 'cs101', studentId: 'alice', days: 1, comment: 'illness' });
    assert.deepEqual(granted.account, { studentId: 'alice', total: 3, used: 1, remaining: 2 });
    const entry = (await prof.request(ListAuditRequest.type, { courseId: 'cs101' })).entries.find((e) => e.action === 'lateDays.grant')!;
    assert.equal(entry.target, 'alice');
    assert.deepEqual(JSON.parse(entry.detail!), { days: 1, comment: 'illness' });
  });

  it('spends with a cut-off: tokens first, the penalty for the days beyond, and tokens exhausted by an earlier submission', async () => {
    const prof = await t!.connect('prof');
    const alice = await t!.connect('alice');
    await prof.request(UpdateCourseRequest.type, { courseId: 'cs101', lateDays: 1 });
    const csum = (await alice.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'c-sum')!;
    const due = Date.parse(csum.dueAt!);
    // 3 days late (cut-off 3 days after due, moved by the 1 token to 4): 1 token, 2 days at 10 %.
    clock.set(due + 2 * DAY + H);
    const s = (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission;
    assert.deepEqual([s.late, s.lateDaysUsed, s.penaltyPercent], [true, 1, 20]);
    // cpp-wordfreq later, late too: no token left, its own penalty and cut-off.
    const cpp = (await alice.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'cpp-wordfreq')!;
    assert.deepEqual(cpp.lateDays, { remaining: 0, allowed: 0, used: 0, lastSubmissionAt: cpp.latePolicy.cutoffAt });
    clock.set(Date.parse(cpp.dueAt!) + H);
    const c = (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'cpp-wordfreq' })).submission;
    assert.equal(c.lateDaysUsed, undefined);
    assert.ok(c.penaltyPercent > 0);
    // Resubmitting c-sum is refused now (past its moved cut-off); the first one still counts, the same answer.
    const book = await prof.request(GetGradebookRequest.type, { courseId: 'cs101' });
    assert.equal(book.cells.find((x) => x.studentId === 'alice' && x.assignmentId === 'c-sum')!.lateDaysUsed, 1);
    assert.equal(book.students.find((x) => x.id === 'alice')!.lateDaysRemaining, 0);
  });

  it('refuses a student granting themselves days, values out of range and malformed requests, writing nothing', async () => {
    const prof = await t!.connect('prof');
    const alice = await t!.connect('alice');
    const tara = await t!.connect('tara');
    const before = await t!.hub.store.lateDays.courseDays('cs101');
    await assert.rejects(alice.request(GrantLateDaysRequest.type, { courseId: 'cs101', studentId: 'alice', days: 5 }), refusal('Forbidden', /only professors/));
    await assert.rejects(tara.request(GrantLateDaysRequest.type, { courseId: 'cs101', studentId: 'alice', days: 5 }), refusal('Forbidden', /only professors/));
    await assert.rejects(alice.request(UpdateCourseRequest.type, { courseId: 'cs101', lateDays: 99 }), refusal('Forbidden'));
    for (const days of [0, -1, 1.5, 366, 1e12, Number.MAX_SAFE_INTEGER, '3', null, true]) {
      await assert.rejects(prof.request(GrantLateDaysRequest.type, { courseId: 'cs101', studentId: 'alice', days } as never), refusal('InvalidParams'), String(days));
    }
    for (const lateDays of [-1, 2.5, 366, 1e12, '2']) {
      await assert.rejects(prof.request(UpdateCourseRequest.type, { courseId: 'cs101', lateDays } as never), refusal('InvalidParams'), String(lateDays));
    }
    for (const params of [{ courseId: 'cs101', days: 1 }, { courseId: 'cs101', studentId: '../alice', days: 1 }, { studentId: 'alice', days: 1 }, { courseId: 'cs101', studentId: 'alice', days: 1, comment: 'x'.repeat(2001) }]) {
      await assert.rejects(prof.request(GrantLateDaysRequest.type, params as never), refusal('InvalidParams'), JSON.stringify(params));
    }
    // Not a student of the course (a professor, someone unknown), or another course: refused too.
    await assert.rejects(prof.request(GrantLateDaysRequest.type, { courseId: 'cs101', studentId: 'prof', days: 1 }), refusal('NotFound', /not a student/));
    await assert.rejects(prof.request(GrantLateDaysRequest.type, { courseId: 'cs101', studentId: 'nobody', days: 1 }), refusal('NotFound'));
    await assert.rejects(prof.request(GrantLateDaysRequest.type, { courseId: 'cs202', studentId: 'alice', days: 1 }), refusal('Forbidden'));
    assert.equal(await grants(), 0, 'no grant written');
    assert.equal(await lateDayAudits(), 0, 'no grant audited');
    assert.equal(await t!.hub.store.lateDays.courseDays('cs101'), before, 'the course grant unchanged');
    // A student sees only their own late days.
    await assert.rejects(alice.request(ListAssignmentsRequest.type, { courseId: 'cs101', studentId: 'bob' }), refusal('Forbidden'));
  });
});
