// The late-day rule as a decision table (src/deadlines/late-days.ts): each row
// a course's tokens, an assignment's cap and policy, when the work came in,
// and what the hub decides: on time, late with days spent and a penalty for
// the rest, or refused after the cut-off the tokens moved. Then accounts over
// several assignments: spent in the order the work was handed in, the same
// answer whatever order it is computed in. And groups: a group's submission
// spends the least any member has left, charged to every member, in the one
// order of the course.

import assert from 'node:assert/strict';
import { allowedLateDays, courseLateDayAccounts, daysLate, judgeWithLateDays, lateDayAccount, lateDayStanding, type LateDayVerdict } from '../../src/deadlines/late-days';
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

describe("late days: a group's submission", () => {
  // team: a group assignment (cut-off 5 days after due, 10 %/day); hw1 each student's own.
  const team = assignment({ id: 'team', dueAt: '2026-11-10T12:00:00.000Z', cutoffAt: '2026-11-15T12:00:00.000Z', groupMaxSize: 2 });
  const capped = assignment({ id: 'capped', dueAt: '2026-11-10T12:00:00.000Z', cutoffAt: '2026-11-15T12:00:00.000Z', groupMaxSize: 2, maxLateDays: 1 });
  const hw1 = assignment({ id: 'hw1', dueAt: '2026-11-08T12:00:00.000Z', cutoffAt: '2026-11-20T12:00:00.000Z' });
  const assignments = new Map([team, capped, hw1].map((a) => [a.id, a]));
  const sub = (a: Assignment, owner: string, lateMs: number): Submission =>
    ({ id: `s-${a.id}-${owner}`, courseId: 'cs101', assignmentId: a.id, studentId: owner, submittedAt: new Date(Date.parse(a.dueAt!) + lateMs).toISOString(), source: 'submitted' }) as Submission;
  const TEAM_A = 'team--a';
  const accounts = (totals: Record<string, number>, groups: Record<string, string[]>, counting: Submission[]) =>
    courseLateDayAccounts({ totals: (id) => totals[id] ?? 0, students: Object.keys(totals), groups: new Map(Object.entries(groups)) }, assignments, new Map(), counting);
  const used = (m: Map<string, { entries: Map<string, { lateDaysUsed: number }> }>, id: string, a: string) => m.get(id)?.entries.get(a)?.lateDaysUsed ?? 0;

  interface GroupRow {
    name: string;
    totals: Record<string, number>;
    groups: Record<string, string[]>;
    counting: Submission[];
    /** [holder, assignment, days used] */
    want: Array<[string, string, number]>;
    remaining: Record<string, number>;
  }
  const rows: GroupRow[] = [
    {
      name: 'a member with no days left: the group uses none, nobody is charged',
      totals: { ana: 0, ben: 2 },
      groups: { [TEAM_A]: ['ana', 'ben'] },
      counting: [sub(team, TEAM_A, DAY + H)],
      want: [[TEAM_A, 'team', 0], ['ana', 'team', 0], ['ben', 'team', 0]],
      remaining: { ana: 0, ben: 2, [TEAM_A]: 0 },
    },
    {
      name: 'both with 2: 2 days late spends 2 from each',
      totals: { ana: 2, ben: 2 },
      groups: { [TEAM_A]: ['ana', 'ben'] },
      counting: [sub(team, TEAM_A, DAY + H)],
      want: [[TEAM_A, 'team', 2], ['ana', 'team', 2], ['ben', 'team', 2]],
      remaining: { ana: 0, ben: 0, [TEAM_A]: 0 },
    },
    {
      name: 'the least a member has caps the group: 3 and 1 spend 1 each',
      totals: { ana: 3, ben: 1 },
      groups: { [TEAM_A]: ['ana', 'ben'] },
      counting: [sub(team, TEAM_A, 2 * DAY + H)],
      want: [[TEAM_A, 'team', 1], ['ana', 'team', 1], ['ben', 'team', 1]],
      remaining: { ana: 2, ben: 0, [TEAM_A]: 0 },
    },
    {
      name: "a member's own late work made earlier lowers what the group may use",
      totals: { ana: 2, ben: 2 },
      groups: { [TEAM_A]: ['ana', 'ben'] },
      counting: [sub(hw1, 'ben', H), sub(team, TEAM_A, DAY + H)],
      want: [['ben', 'hw1', 1], [TEAM_A, 'team', 1], ['ana', 'team', 1], ['ben', 'team', 1]],
      remaining: { ana: 1, ben: 0, [TEAM_A]: 0 },
    },
    {
      name: "the group's work made first is served first: the member's own later work gets what is left",
      totals: { ana: 2, ben: 2 },
      groups: { [TEAM_A]: ['ana', 'ben'] },
      counting: [sub(team, TEAM_A, DAY + H), sub(hw1, 'ben', 5 * DAY)],
      want: [[TEAM_A, 'team', 2], ['ben', 'hw1', 0]],
      remaining: { ana: 0, ben: 0 },
    },
    {
      name: "the assignment's cap holds for the group",
      totals: { ana: 3, ben: 3 },
      groups: { 'capped--a': ['ana', 'ben'] },
      counting: [sub(capped, 'capped--a', 2 * DAY + H)],
      want: [['capped--a', 'capped', 1], ['ana', 'capped', 1], ['ben', 'capped', 1]],
      remaining: { ana: 2, ben: 2 },
    },
    {
      name: 'a member of another group and a student alone are not charged',
      totals: { ana: 2, ben: 2, cy: 2, dee: 2 },
      groups: { [TEAM_A]: ['ana', 'ben'], 'team--b': ['cy'] },
      counting: [sub(team, TEAM_A, H)],
      want: [['ana', 'team', 1], ['ben', 'team', 1], ['cy', 'team', 0], ['dee', 'team', 0], ['team--b', 'team', 0]],
      remaining: { ana: 1, ben: 1, cy: 2, dee: 2, 'team--b': 2 },
    },
    {
      name: "a member's own submission to the group assignment spends nothing: the group's work is their grade",
      totals: { ana: 2, ben: 2 },
      groups: { [TEAM_A]: ['ana', 'ben'] },
      counting: [sub(team, 'ana', DAY + H)],
      want: [['ana', 'team', 0]],
      remaining: { ana: 2, ben: 2 },
    },
    {
      name: "a member who left is given the days back; the one who joined is charged",
      totals: { ana: 2, ben: 2, cy: 2 },
      groups: { [TEAM_A]: ['ana', 'cy'] },
      counting: [sub(team, TEAM_A, H)],
      want: [['ana', 'team', 1], ['cy', 'team', 1], ['ben', 'team', 0]],
      remaining: { ana: 1, ben: 2, cy: 1 },
    },
    {
      name: "a group's submission whose group is gone spends nothing, and makes no account",
      totals: { ana: 2 },
      groups: {},
      counting: [sub(team, TEAM_A, H)],
      want: [['ana', 'team', 0]],
      remaining: { ana: 2 },
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const got = accounts(row.totals, row.groups, row.counting);
      for (const [holder, a, n] of row.want) assert.equal(used(got, holder, a), n, `${holder} on ${a}`);
      for (const [holder, n] of Object.entries(row.remaining)) assert.equal(got.get(holder)?.remaining, n, `${holder} left`);
      if (Object.keys(row.groups).length === 0) assert.equal(got.has(TEAM_A), false);
      // The same answer whatever order the submissions are given in.
      assert.deepEqual(
        JSON.stringify([...accounts(row.totals, row.groups, [...row.counting].reverse())].map(([k, v]) => [k, v.remaining, [...v.entries]])),
        JSON.stringify([...got].map(([k, v]) => [k, v.remaining, [...v.entries]])),
      );
    });
  }

  it("a member's standing: their own days left, what the group may use and used", () => {
    const got = accounts({ ana: 3, ben: 1 }, { [TEAM_A]: ['ana', 'ben'] }, [sub(team, TEAM_A, H)]);
    assert.deepEqual(lateDayStanding(got.get('ana')!, team, got.get(TEAM_A)), { remaining: 2, allowed: 1, used: 1 });
    assert.deepEqual(lateDayStanding(got.get('ben')!, team, got.get(TEAM_A)), { remaining: 0, allowed: 1, used: 1 });
    assert.deepEqual(got.get(TEAM_A)!.group, { members: ['ana', 'ben'], limitedBy: ['ben'] });
  });

  it("a group's refusal says so in the group's words", () => {
    const d = effectiveDeadline(team, undefined);
    const past = (allowed: number) => new Date(Date.parse(team.cutoffAt!) + allowed * DAY + 1000);
    const v1 = judgeWithLateDays(team, d, past(1), 1, 3, { limitedBy: ['ben'] });
    assert.equal(v1.kind === 'refused' && v1.reason, `assignment team stopped taking submissions at ${new Date(Date.parse(team.cutoffAt!) + DAY).toISOString()}, after your group's 1 late day`);
    const v0 = judgeWithLateDays(team, d, past(0), 0, 3, { limitedBy: ['ana', 'ben'] });
    assert.match(v0.kind === 'refused' ? v0.reason : '', /; your group has no late days left \(ana, ben have none\)$/);
    // Within the moved cut-off: the least any member has is spent, the penalty for the rest.
    assert.deepEqual(judgeWithLateDays(team, d, new Date(Date.parse(team.dueAt!) + 2 * DAY + H), 1, 3, { limitedBy: ['ben'] }), { kind: 'late', daysLate: 3, lateDaysUsed: 1, penaltyPercent: 20 });
  });
});
