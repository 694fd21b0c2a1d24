// The grade book: which submission counts for a student's score (the course's
// grades as CSV are grade-export.ts, over the same rule).
//
// The rule: a student's latest submission to an assignment (by hub time)
// counts; earlier ones are history. Regrading or overriding an earlier one
// changes that submission's record, never the student's score.

import type { Submission } from '../store/records';
import type { Store } from '../store/store';

/** The submission that counts among one student's submissions to one assignment (given newest first, as the store lists them). */
export function countingSubmission(newestFirst: readonly Submission[]): Submission | undefined {
  return newestFirst[0];
}

/** The submission that counts for each student and assignment among `newestFirst`, keyed `assignment/student`. */
export function countingSubmissions(newestFirst: readonly Submission[]): Map<string, Submission> {
  const counting = new Map<string, Submission>();
  for (const s of newestFirst) {
    const k = `${s.assignmentId}/${s.studentId}`;
    if (!counting.has(k)) counting.set(k, s);
  }
  return counting;
}

/** Whether `s` is the submission that counts for its student's score now. */
export async function submissionCounts(store: Store, s: Submission): Promise<boolean> {
  return countingSubmission(await store.submissions.list({ courseId: s.courseId, assignmentId: s.assignmentId, studentId: s.studentId }))?.id === s.id;
}
