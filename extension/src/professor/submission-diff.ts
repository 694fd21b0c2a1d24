// Which side of a diff each of two submissions takes, and how the diff is
// titled: the older on the left and the newer on the right, as in every diff
// a person reads, each side named by its student, its number among that
// student's submissions and its time.

import type { SubmissionSummary } from '@classpod/protocol';
import { formatAbsolute } from '../deadlines/time-format';

/** How a submission is named on one side of a diff. */
export interface DiffSide {
  submission: SubmissionSummary;
  /** "Ada Lovelace #2 · Tue, 24 Nov 2026, 19:33" */
  label: string;
}

/**
 * "Ada Lovelace #2 · Tue, 24 Nov 2026, 19:33": the student, the submission's
 * number among theirs on the assignment (1 is the first), and when it came.
 */
export function submissionLabel(s: SubmissionSummary, studentName: string, ofStudent: readonly SubmissionSummary[], timeZone?: string): string {
  const oldestFirst = [...ofStudent].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
  const i = oldestFirst.findIndex((x) => x.id === s.id);
  const number = i >= 0 ? ` #${i + 1}` : '';
  return `${studentName}${number} · ${formatAbsolute(new Date(s.submittedAt), timeZone).replace(/ \(.*\)$/, '')}`;
}

/** Order two labelled submissions for a diff: the older left. Ties keep the order given. */
export function diffSides(a: DiffSide, b: DiffSide): { left: DiffSide; right: DiffSide } {
  return b.submission.submittedAt < a.submission.submittedAt ? { left: b, right: a } : { left: a, right: b };
}

/** The diff editor's title: "sum.c (Ada Lovelace #1 · … ↔ Ada Lovelace #2 · …)". */
export function submissionDiffTitle(path: string, left: string, right: string): string {
  return `${path} (${left} ↔ ${right})`;
}
