// Whether a submission at a given hub time is on time, late (with what
// penalty), or refused; and the state of an assignment for one student.

import type { Assignment, Extension } from '../store/records';

const DAY_MS = 86_400_000;

/** The due time and cut-off that apply to one student. */
export interface EffectiveDeadline {
  dueAt?: Date;
  cutoffAt?: Date;
  extended: boolean;
}

/** Due time with the student's extension; the cut-off moves by as much as the due time did. */
export function effectiveDeadline(a: Assignment, ext: Extension | undefined): EffectiveDeadline {
  const due = a.dueAt ? new Date(a.dueAt) : undefined;
  const cutoff = a.cutoffAt ? new Date(a.cutoffAt) : undefined;
  if (!ext || !due) return { dueAt: due, cutoffAt: cutoff, extended: false };
  const extDue = new Date(ext.dueAt);
  const shift = extDue.getTime() - due.getTime();
  return { dueAt: extDue, cutoffAt: cutoff ? new Date(Math.max(cutoff.getTime() + shift, extDue.getTime())) : undefined, extended: true };
}

export type Lateness =
  | { kind: 'on-time' }
  | { kind: 'late'; days: number; penaltyPercent: number }
  | { kind: 'refused'; reason: string };

/** Judge a submission made at `at`. */
export function judgeLateness(a: Assignment, d: EffectiveDeadline, at: Date): Lateness {
  if (a.opensAt && at.getTime() < Date.parse(a.opensAt)) return { kind: 'refused', reason: `assignment ${a.id} opens at ${a.opensAt}` };
  if (!d.dueAt || at.getTime() <= d.dueAt.getTime()) return { kind: 'on-time' };
  if (!d.cutoffAt) return { kind: 'refused', reason: `assignment ${a.id} was due at ${d.dueAt.toISOString()} and takes no late submissions` };
  if (at.getTime() > d.cutoffAt.getTime()) {
    return { kind: 'refused', reason: `assignment ${a.id} stopped taking submissions at ${d.cutoffAt.toISOString()}` };
  }
  const days = Math.ceil((at.getTime() - d.dueAt.getTime()) / DAY_MS);
  return { kind: 'late', days, penaltyPercent: Math.min(100, days * a.penaltyPercentPerDay) };
}

/** The final score: an override wins; else the raw score less the late penalty. */
export function finalScore(rawScore: number | undefined, penaltyPercent: number, override: { score: number } | undefined): number | undefined {
  if (override) return override.score;
  if (rawScore === undefined) return undefined;
  return Math.round(rawScore * (1 - penaltyPercent / 100) * 1000) / 1000;
}
