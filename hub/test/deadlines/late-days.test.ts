// The late-day rule as a decision table (src/deadlines/late-days.ts): each row
// a course's tokens, an assignment's cap and policy, when the work came in,
// and what the hub decides: on time, late with days spent and a penalty for
// the rest, or refused after the cut-off the tokens moved. Then accounts over
// several assignments: spent in the order the work was handed in, the same
// answer whatever order it is computed in.

import assert from 'node:assert/strict';
import { allowedLateDays, daysLate, judgeWithLateDays, lateDayAccount, lateDayStanding, type LateDayVerdict } from '../../src/deadlines/late-days';
import { effectiveDeadline } from '../../src/deadlines/late-policy';
import type { Assignment, Extension, Submission } from '../../src/store/records';

const DUE = '2026-11-10T12:00:00.000Z';
const H = 3_600_000;
const DAY = 24 * H;
const at = (ms: number): Date => new Date(Date.parse(DUE) + ms);

function assignment(over: Partial<Assignment> = {}): Assignment {
  return { id: 'hw', courseId: 'cs101', dueAt: DUE, penaltyPercentPerDay: 10, ...over } as Assignment;
}

interface Row {
  name: string;
  a: Partial<Assignment>;
  remaining: number;
  late: number;
  extensionMs?: number;
  want: LateDayVerdict | 'refused';
}

const CUTOFF_2D = new Date(Date.parse(DUE) + 2 * DAY).toISOString();

const table: Row[] = [
  { name: 'on time, exactly at the due time', a: {}, remaining: 2, late: 0, want: { kind: 'on-time', lateDaysUsed: 0, penaltyPercent: 0 } },
  { name: 'one second early', a: {}, remaining: 2, late: -1000, want: { kind: 'on-time', lateDaysUsed: 0, penaltyPercent: 0 } },
  { name: '1 h late: a started day, one token', a: {}, remaining: 2, late: H, want: { kind: 'late', daysLate: 1, lateDaysUsed: 1, penaltyPercent: 0 } },
  { name: 'exactly 24 h late is one day', a: {}, remaining: 2, late: DAY, want: { kind: 'late', daysLate: 1, lateDaysUsed: 1, penaltyPercent: 0 } },
  { name: '24 h and 1 s late is two days', a: {}, remaining: 2, late: DAY + 1000, want: { kind: 'late', daysLate: 2, lateDaysUsed: 2, penaltyPercent: 0 } },
  { name: '3 days late with 2 tokens and no cut-off: refused', a: {}, remaining: 2, late: 2 * DAY + H, want: 'refused' },
  {
    name: '3 days late with 2 tokens and a 2-day cut-off: 2 spent, 1 day penalised',
    a: { cutoffAt: CUTOFF_2D },
    remaining: 2,
    late: 2 * DAY + H,
    want: { kind: 'late', daysLate: 3, lateDaysUsed: 2, penaltyPercent: 10 },
  },
  { name: 'cut-off moved by 2 tokens: 4 days late still taken', a: { cutoffAt: CUTOFF_2D }, remaining: 2, late: 4 * DAY, want: { kind: 'late', daysLate: 4, lateDaysUsed: 2, penaltyPercent: 20 } },
  { name: 'past the moved cut-off: refused', a: { cutoffAt: CUTOFF_2D }, remaining: 2, late: 4 * DAY + 1000, want: 'refused' },
  { name: 'assignment cap 0: no tokens, no cut-off, refused', a: { maxLateDays: 0 }, remaining: 5, late: H, want: 'refused' },
  { name: 'assignment cap 0 with a cut-off: the penalty applies', a: { maxLateDays: 0, cutoffAt: CUTOFF_2D }, remaining: 5, late: H, want: { kind: 'late', daysLate: 1, lateDaysUsed: 0, penaltyPercent: 10 } },
  { name: 'assignment cap 1 with 5 tokens: 1 spent', a: { maxLateDays: 1, cutoffAt: CUTOFF_2D }, remaining: 5, late: DAY + H, want: { kind: 'late', daysLate: 2, lateDaysUsed: 1, penaltyPercent: 10 } },
  { name: 'assignment cap 1, no cut-off, 2 days late: refused', a: { maxLateDays: 1 }, remaining: 5, late: DAY + H, want: 'refused' },
  { name: 'tokens exhausted: no cut-off, refused', a: {}, remaining: 0, late: H, want: 'refused' },
  { name: 'tokens exhausted: the cut-off and penalty as before', a: { cutoffAt: CUTOFF_2D }, remaining: 0, late: H, want: { kind: 'late', daysLate: 1, lateDaysUsed: 0, penaltyPercent: 10 } },
  { name: 'extension by staff: late is counted from the student’s own due time', a: {}, remaining: 2, late: DAY + H, extensionMs: DAY, want: { kind: 'late', daysLate: 1, lateDaysUsed: 1, penaltyPercent: 0 } },
  { name: 'extension covers it: on time, no token', a: {}, remaining: 2, late: DAY - H, extensionMs: DAY, want: { kind: 'on-time', lateDaysUsed: 0, penaltyPercent: 0 } },
  { name: 'penalty capped at 100%', a: { cutoffAt: new Date(Date.parse(DUE) + 20 * DAY).toISOString(), penaltyPercentPerDay: 40 }, remaining: 1, late: 5 * DAY, want: { kind: 'late', daysLate: 5, lateDaysUsed: 1, penaltyPercent: 100 } },
  { name: 'fractional or negative remaining counts as whole days, never below 0', a: { cutoffAt: CUTOFF_2D }, remaining: -3, late: H, want: { kind: 'late', daysLate: 1, lateDaysUsed: 0, penaltyPercent: 10 } },
];

describe('late days: the rule', () => {
  for (const row of table) {
    it(row.name, () => {
      const a = assignment(row.a);
      const ext: Extension | undefined = row.extensionMs
        ? { courseId: 'cs101', assignmentId: a.id, studentId: 'alice', dueAt: new Date(Date.parse(DUE) + row.extensionMs).toISOString(), grantedBy: 'prof' }
        : undefined;
      const verdict = judgeWithLateDays(a, effectiveDeadline(a, ext), at(row.late), row.remaining, Math.max(row.remaining, 2));
      if (row.want === 'refused') {
        assert.equal(verdict.kind, 'refused', JSON.stringify(verdict));
        assert.match((verdict as { reason: string }).reason, /assignment hw (stopped taking submissions at|was due at)/);
      } else {
        assert.deepEqual(verdict, row.want);
      }
    });
  }

  it('refusals say why, in the words a student acts on', () => {
    const reason = (a: Partial<Assignment>, remaining: number, late: number, total = 2): string => {
      const v = judgeWithLateDays(assignment(a), effectiveDeadline(assignment(a), undefined), at(late), remaining, total);
      assert.equal(v.kind, 'refused');
      return (v as { reason: string }).reason;
    };
    assert.equal(reason({}, 2, 2 * DAY + H), `assignment hw stopped taking submissions at ${new Date(Date.parse(DUE) + 2 * DAY).toISOString()}, after your 2 late days`);
    assert.match(reason({}, 0, H), /takes no late submissions; you have no late days left$/);
    assert.match(reason({ maxLateDays: 0 }, 2, H), /takes no late submissions; this assignment takes no late days$/);
    assert.match(reason({}, 0, H, 0), /takes no late submissions$/, 'a course without late days says nothing of them');
    assert.match(judgeWithLateDays(assignment({ opensAt: '2026-11-09T00:00:00.000Z' }), effectiveDeadline(assignment(), undefined), new Date('2026-11-08T00:00:00.000Z'), 2).kind, /refused/);
  });

  it('counts days late by started day, and what an assignment allows', () => {
    assert.equal(daysLate(new Date(DUE), at(0)), 0);
    assert.equal(daysLate(new Date(DUE), at(1)), 1);
    assert.equal(daysLate(new Date(DUE), at(DAY)), 1);
    assert.equal(daysLate(new Date(DUE), at(DAY + 1)), 2);
    assert.equal(daysLate(undefined, at(DAY)), 0);
    assert.equal(allowedLateDays({}, 3), 3);
    assert.equal(allowedLateDays({ maxLateDays: 1 }, 3), 1);
    assert.equal(allowedLateDays({ maxLateDays: 0 }, 3), 0);
    assert.equal(allowedLateDays({}, -1), 0);
    assert.equal(allowedLateDays({}, 2.7), 2);
  });
});

describe('late days: accounts over a course', () => {
  const hw1 = assignment({ id: 'hw1', dueAt: '2026-11-10T12:00:00.000Z', cutoffAt: '2026-11-20T12:00:00.000Z' });
  const hw2 = assignment({ id: 'hw2', dueAt: '2026-11-12T12:00:00.000Z', cutoffAt: '2026-11-20T12:00:00.000Z' });
  const hw3 = assignment({ id: 'hw3', dueAt: '2026-11-14T12:00:00.000Z', cutoffAt: '2026-11-20T12:00:00.000Z', maxLateDays: 0 });
  const assignments = new Map([hw1, hw2, hw3].map((a) => [a.id, a]));
  const sub = (a: Assignment, lateMs: number, over: Partial<Submission> = {}): Submission =>
    ({ id: `s-${a.id}`, courseId: 'cs101', assignmentId: a.id, studentId: 'alice', submittedAt: new Date(Date.parse(a.dueAt!) + lateMs).toISOString(), source: 'submitted', ...over }) as Submission;

  it('spends in the order the work was handed in, as far as tokens remain', () => {
    // hw2 handed in 2 days late before hw1 was handed in 2 days late (hw1 has the later cut-off reached later).
    const s2 = sub(hw2, 2 * DAY - H);
    const s1 = sub(hw1, 5 * DAY);
    const account = lateDayAccount(3, assignments, new Map(), [s1, s2]);
    assert.equal(s2.submittedAt < s1.submittedAt, true);
    assert.deepEqual(account.entries.get('hw2'), { assignmentId: 'hw2', submissionId: 's-hw2', daysLate: 2, lateDaysUsed: 2 });
    assert.deepEqual(account.entries.get('hw1'), { assignmentId: 'hw1', submissionId: 's-hw1', daysLate: 5, lateDaysUsed: 1 }, 'exhausted by the earlier-handed-in hw2');
    assert.deepEqual([account.total, account.used, account.remaining], [3, 3, 0]);
  });

  it('gives the same answer whatever order the submissions are given in', () => {
    const subs = [sub(hw1, H), sub(hw2, DAY + H), sub(hw3, H)];
    const orders = [subs, [...subs].reverse(), [subs[1]!, subs[2]!, subs[0]!]];
    const answers = orders.map((o) => JSON.stringify([...lateDayAccount(2, assignments, new Map(), o).entries.entries()].sort()));
    assert.equal(new Set(answers).size, 1);
    const account = lateDayAccount(2, assignments, new Map(), subs);
    assert.deepEqual(
      [...account.entries.values()].map((e) => [e.assignmentId, e.lateDaysUsed]),
      [['hw1', 1], ['hw2', 1], ['hw3', 0]],
      'hw3 takes no late days',
    );
  });

  it('a collected submission is never late, and an extension lowers the days spent', () => {
    const collected = sub(hw1, 0, { source: 'collected' });
    assert.equal(lateDayAccount(2, assignments, new Map(), [collected]).used, 0);
    const late = sub(hw1, DAY + H);
    assert.equal(lateDayAccount(2, assignments, new Map(), [late]).used, 2);
    const ext: Extension = { courseId: 'cs101', assignmentId: 'hw1', studentId: 'alice', dueAt: new Date(Date.parse(hw1.dueAt!) + DAY).toISOString(), grantedBy: 'prof' };
    assert.equal(lateDayAccount(2, assignments, new Map([['hw1', ext]]), [late]).used, 1);
  });

  it('a standing counts the assignment’s own spending back', () => {
    const account = lateDayAccount(3, assignments, new Map(), [sub(hw1, H)]);
    assert.deepEqual(lateDayStanding(account, hw1), { remaining: 2, allowed: 3, used: 1 });
    assert.deepEqual(lateDayStanding(account, hw2), { remaining: 2, allowed: 2, used: 0 });
    assert.deepEqual(lateDayStanding(account, hw3), { remaining: 2, allowed: 0, used: 0 });
  });
});
