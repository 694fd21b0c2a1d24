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
export function judgeWithLateDays(a: Assignment, d: EffectiveDeadline, at: Date, remaining: number, total = remaining): LateDayVerdict {
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
          ? `, after your ${plural(allowed)}`
          : remaining <= 0
            ? '; you have no late days left'
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
  const ordered = [...counting].sort((x, y) =>
    x.submittedAt < y.submittedAt ? -1 : x.submittedAt > y.submittedAt ? 1 : x.assignmentId < y.assignmentId ? -1 : x.assignmentId > y.assignmentId ? 1 : 0,
  );
  const entries = new Map<string, LateDayEntry>();
  let used = 0;
  for (const s of ordered) {
    const a = assignments.get(s.assignmentId);
    if (!a) continue;
    const late = s.source === 'collected' ? 0 : daysLate(effectiveDeadline(a, extensions.get(a.id)).dueAt, new Date(s.submittedAt));
    const spent = Math.min(late, allowedLateDays(a, total - used));
    used += spent;
    entries.set(a.id, { assignmentId: a.id, submissionId: s.id, daysLate: late, lateDaysUsed: spent });
  }
  return { total, used, remaining: Math.max(0, total - used), entries };
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

/** Where an assignment stands in an account. */
export function lateDayStanding(account: LateDayAccount, a: Assignment): LateDayStanding {
  const used = account.entries.get(a.id)?.lateDaysUsed ?? 0;
  return { remaining: account.remaining, allowed: allowedLateDays(a, account.remaining + used), used };
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
