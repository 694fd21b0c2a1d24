// Late-day tokens: the rule, in one place.
//
// A course grants every student N late days (`lateDays:` of course.yaml, or
// `courses/update`); staff may grant one student more (`lateDays/grant`,
// audit-logged). An assignment may cap how many it takes (`late.maxLateDays:`
// of assignment.yaml: a number, 0 for none; absent: as many as remain).
//
// - Days late are whole days by the hub's clock, a started day counting as a
//   day: 1 minute late is 1 day, exactly 24 h is 1 day, 24 h and 1 s is 2.
//   Late is measured from the student's own due time (an extension included).
// - When a submission is late, tokens are spent automatically:
//   used = min(days late, what the assignment allows, tokens remaining).
//   Days covered by tokens carry no penalty; the rest fall to the
//   assignment's penalty per day (late-policy.ts).
// - The cut-off moves by the tokens the assignment may still use: the hub takes
//   a submission until `(cutoff, or the due time when there is none) + allowed
//   days`, so an assignment without a cut-off takes late work only while tokens
//   cover it; after that it refuses, saying when it stopped and why.
// - Spending is computed from the submissions alone, never kept as a running
//   balance: for each student, the submission that counts for each assignment
//   (the latest, grade-book.ts) is taken in the order it was made (hub time,
//   then assignment id), and each spends from what the earlier ones left.
//   Work handed in first is served first, so a later submission never takes
//   tokens from an earlier one, and regrading, grading order or an extension
//   staff grant afterwards (which can only lower the days late) give the
//   same answer every time. A collected submission stands at the due time and
//   is never late. The days used are also recorded on the submission when it
//   is taken (`late_days_used`), with the penalty they spared.
// - What is recorded follows the rule whenever its inputs change: a new
//   submission (which may reorder who spends first), an extension, a grant of
//   late days, the assignment's dates or penalty. Each stored submission is
//   then judged again (`standingLateness`, lateness-review.ts): the one that
//   counts takes its account's days; an older one keeps the days it recorded,
//   never more than it is now late.
// - A group assignment's submission is its group's (groups/work-owner.ts),
//   with one penalty for the group, and it spends from its members' own
//   accounts: the group may use what the member with the fewest days left
//   still has (capped by the assignment), and every member is charged the
//   days it used: used = min(days late, the cap, the least any member has
//   left). The cut-off the group faces moves by those days; a refusal past it
//   says so in the group's words (`…, after your group's 1 late day`, or `your
//   group has no late days left (bob has none)`).
// - The members charged are the group's members as it stands (those whose
//   grade it is, as the gradebook shows it): a member who leaves has the days
//   back, one who joins is charged (and may lower what the group may use), and
//   saving a group judges its late work again. The order is the one above over
//   the whole course: every counting submission, a student's own or a
//   group's, is taken in the order it was made (hub time, then assignment id,
//   then owner id), each spending from what the earlier ones left its
//   students. A student's own submission to an assignment on which they are
//   in a group spends nothing (the group's work is their grade there), and a
//   group's submission whose group is gone spends nothing either.

import { parseGroupOwner } from '../groups/work-owner';
import type { Assignment, Extension, Submission } from '../store/records';
import { effectiveDeadline, type EffectiveDeadline } from './late-policy';

const DAY_MS = 86_400_000;

/** Whole days late at `at` (a started day counts), 0 when on time. */
export function daysLate(dueAt: Date | undefined, at: Date): number {
  if (!dueAt || at.getTime() <= dueAt.getTime()) return 0;
  return Math.ceil((at.getTime() - dueAt.getTime()) / DAY_MS);
}

/** How many late days an assignment may still use with `remaining` tokens. */
export function allowedLateDays(a: Pick<Assignment, 'maxLateDays'>, remaining: number): number {
  const cap = a.maxLateDays ?? Number.POSITIVE_INFINITY;
  return Math.max(0, Math.min(cap, Math.floor(remaining)));
}

/** What a submission at one instant means with late days. */
export type LateDayVerdict =
  | { kind: 'on-time'; lateDaysUsed: 0; penaltyPercent: 0 }
  | { kind: 'late'; daysLate: number; lateDaysUsed: number; penaltyPercent: number }
  | { kind: 'refused'; reason: string };

function plural(n: number): string {
  return `${n} late day${n === 1 ? '' : 's'}`;
}

/**
 * Judge a submission made at `at` against the student's deadline `d`, with
 * `remaining` late-day tokens: on time, late (days covered by tokens, the
 * penalty for the rest), or refused after the (token-moved) cut-off.
 * `total`, the student's tokens in the course, only words the refusal.
 */
export function judgeWithLateDays(
  a: Assignment,
  d: EffectiveDeadline,
  at: Date,
  remaining: number,
  total = remaining,
  /** A group's submission: the members with the fewest days left (they word the refusal). */
  group?: { limitedBy: readonly string[] },
): LateDayVerdict {
  if (a.opensAt && at.getTime() < Date.parse(a.opensAt)) return { kind: 'refused', reason: `assignment ${a.id} opens at ${a.opensAt}` };
  if (!d.dueAt || at.getTime() <= d.dueAt.getTime()) return { kind: 'on-time', lateDaysUsed: 0, penaltyPercent: 0 };
  const allowed = allowedLateDays(a, remaining);
  const base = d.cutoffAt ?? d.dueAt;
  const last = new Date(base.getTime() + allowed * DAY_MS);
  if (at.getTime() > last.getTime()) {
    const why =
      total <= 0
        ? ''
        : a.maxLateDays === 0 && remaining > 0
        ? '; this assignment takes no late days'
        : allowed > 0
          ? `, after your ${group ? "group's " : ''}${plural(allowed)}`
          : remaining <= 0
            ? group
              ? `; your group has no late days left (${group.limitedBy.join(', ')} ${group.limitedBy.length === 1 ? 'has' : 'have'} none)`
              : '; you have no late days left'
            : '';
    if (!d.cutoffAt && allowed === 0) return { kind: 'refused', reason: `assignment ${a.id} was due at ${d.dueAt.toISOString()} and takes no late submissions${why}` };
    return { kind: 'refused', reason: `assignment ${a.id} stopped taking submissions at ${last.toISOString()}${why}` };
  }
  const late = daysLate(d.dueAt, at);
  const used = Math.min(late, allowed);
  return { kind: 'late', daysLate: late, lateDaysUsed: used, penaltyPercent: Math.min(100, (late - used) * a.penaltyPercentPerDay) };
}

/** One assignment's line in a student's late-day account. */
export interface LateDayEntry {
  assignmentId: string;
  submissionId: string;
  daysLate: number;
  lateDaysUsed: number;
}

/** A student's late days in one course. */
export interface LateDayAccount {
  /** The course's grant plus staff grants to this student. */
  total: number;
  used: number;
  remaining: number;
  /** By assignment id: what its counting submission spent. */
  entries: Map<string, LateDayEntry>;
  /**
   * A group's account (keyed by its work owner id): its members, and those of
   * them with the fewest days left. Its `remaining` is theirs, its `total` the
   * most any member holds (it only words a refusal), its entry the group's.
   */
  group?: { members: readonly string[]; limitedBy: readonly string[] };
}

/**
 * A student's account, computed from the submissions that count (one per
 * assignment, any order): in the order they were made, each spends what its
 * assignment allows from what the earlier ones left.
 */
export function lateDayAccount(
  total: number,
  assignments: ReadonlyMap<string, Assignment>,
  extensions: ReadonlyMap<string, Extension>,
  counting: readonly Submission[],
): LateDayAccount {
  const owner = counting[0]?.studentId ?? '';
  const byKey = new Map([...extensions.values()].map((e) => [`${e.assignmentId}/${owner}`, e]));
  return courseLateDayAccounts({ totals: () => total, students: [owner], groups: new Map() }, assignments, byKey, counting).get(owner)!;
}

/** Who holds late days in a course. */
export interface LateDayHolders {
  /** A student's tokens: the course's grant plus staff grants. */
  totals: (studentId: string) => number;
  /** Students who get an account even with nothing handed in. */
  students: Iterable<string>;
  /** The members of each group of the course's group assignments, by the group's work owner id. */
  groups: ReadonlyMap<string, readonly string[]>;
}

function byOrderMade(x: Submission, y: Submission): number {
  if (x.submittedAt !== y.submittedAt) return x.submittedAt < y.submittedAt ? -1 : 1;
  if (x.assignmentId !== y.assignmentId) return x.assignmentId < y.assignmentId ? -1 : 1;
  return x.studentId < y.studentId ? -1 : x.studentId > y.studentId ? 1 : 0;
}

/**
 * Every account of a course, computed together from the submissions that
 * count (one per assignment and work owner, any order): by student id, and by
 * work owner id for each group of `holders.groups`. Taken in the order they
 * were made, a student's own submission spends from their account, a group's
 * from every member's (the least any member has left, capped by the
 * assignment). `extensions` is keyed `assignment/owner`.
 */
export function courseLateDayAccounts(
  holders: LateDayHolders,
  assignments: ReadonlyMap<string, Assignment>,
  extensions: ReadonlyMap<string, Extension>,
  counting: readonly Submission[],
): Map<string, LateDayAccount> {
  const grouped = new Set<string>();
  for (const [owner, members] of holders.groups) {
    const g = parseGroupOwner(owner);
    if (g) for (const m of members) grouped.add(`${g.assignmentId}/${m}`);
  }
  const used = new Map<string, number>();
  const entries = new Map<string, Map<string, LateDayEntry>>();
  const left = (id: string): number => holders.totals(id) - (used.get(id) ?? 0);
  const charge = (id: string, e: LateDayEntry): void => {
    used.set(id, (used.get(id) ?? 0) + e.lateDaysUsed);
    entries.set(id, (entries.get(id) ?? new Map<string, LateDayEntry>()).set(e.assignmentId, e));
  };
  const groupEntries = new Map<string, LateDayEntry>();
  for (const s of [...counting].sort(byOrderMade)) {
    const a = assignments.get(s.assignmentId);
    if (!a) continue;
    const late = s.source === 'collected' ? 0 : daysLate(effectiveDeadline(a, extensions.get(`${a.id}/${s.studentId}`)).dueAt, new Date(s.submittedAt));
    const entry = (spent: number): LateDayEntry => ({ assignmentId: a.id, submissionId: s.id, daysLate: late, lateDaysUsed: spent });
    if (parseGroupOwner(s.studentId)) {
      const members = holders.groups.get(s.studentId) ?? [];
      const least = members.length === 0 ? 0 : Math.min(...members.map(left));
      const e = entry(Math.min(late, allowedLateDays(a, least)));
      groupEntries.set(s.studentId, e);
      for (const m of members) charge(m, e);
    } else if (!grouped.has(`${a.id}/${s.studentId}`)) {
      charge(s.studentId, entry(Math.min(late, allowedLateDays(a, left(s.studentId)))));
    }
  }
  const accountOf = (id: string): LateDayAccount => {
    const total = holders.totals(id);
    const spent = used.get(id) ?? 0;
    return { total, used: spent, remaining: Math.max(0, total - spent), entries: entries.get(id) ?? new Map() };
  };
  const accounts = new Map<string, LateDayAccount>();
  const students = new Set([...[...holders.students].filter((id) => !parseGroupOwner(id)), ...counting.map((s) => s.studentId).filter((id) => !parseGroupOwner(id)), ...[...holders.groups.values()].flat()]);
  for (const id of students) accounts.set(id, accountOf(id));
  for (const [owner, members] of holders.groups) {
    const own = members.map((m) => accounts.get(m)!);
    const least = own.length === 0 ? 0 : Math.min(...own.map((x) => x.remaining));
    const e = groupEntries.get(owner);
    accounts.set(owner, {
      total: own.length === 0 ? 0 : Math.max(...own.map((x) => x.total)),
      used: e?.lateDaysUsed ?? 0,
      remaining: least,
      entries: new Map(e ? [[e.assignmentId, e]] : []),
      group: { members, limitedBy: members.filter((_, i) => own[i]!.remaining === least) },
    });
  }
  return accounts;
}

/** A student's standing on one assignment, as `assignments/list` shows it. */
export interface LateDayStanding {
  /** Tokens left in the course after every counting submission. */
  remaining: number;
  /** How many this assignment may use now (its cap, and what its own submission did not already spend counted back). */
  allowed: number;
  /** Spent by the submission that counts. */
  used: number;
}

/**
 * Where an assignment stands in an account. With `group` (the account of the
 * student's group on a group assignment): the student's own days left, what
 * the group may use, what the group's submission spent.
 */
export function lateDayStanding(account: LateDayAccount, a: Assignment, group?: LateDayAccount): LateDayStanding {
  const by = group ?? account;
  const used = by.entries.get(a.id)?.lateDaysUsed ?? 0;
  return { remaining: account.remaining, allowed: allowedLateDays(a, by.remaining + used), used };
}

/** The lateness recorded on a submission: whether it was late, the penalty, the tokens spent. */
export interface RecordedLateness {
  late: boolean;
  penaltyPercent: number;
  lateDaysUsed: number;
}

/**
 * What a stored submission's lateness is by the rule now: days late against the
 * student's deadline as it stands (extension included); the tokens of its
 * account entry when it is the one that counts, else the days it recorded, no
 * more than it is late; the assignment's penalty for the rest.
 */
export function standingLateness(a: Assignment, ext: Extension | undefined, s: Submission, entry: LateDayEntry | undefined): RecordedLateness {
  if (s.source === 'collected') return { late: false, penaltyPercent: 0, lateDaysUsed: 0 };
  const late = daysLate(effectiveDeadline(a, ext).dueAt, new Date(s.submittedAt));
  const used = entry?.submissionId === s.id ? entry.lateDaysUsed : Math.min(late, s.lateDaysUsed ?? 0);
  return { late: late > 0, penaltyPercent: Math.min(100, (late - used) * a.penaltyPercentPerDay), lateDaysUsed: used };
}
