// The grade book: which submission counts for a student's score, and the
// course's grades as CSV (one row per student, one column per assignment with
// the final score of the submission that counts, empty when none).
//
// The rule: a student's latest submission to an assignment (by hub time)
// counts; earlier ones are history. Regrading or overriding an earlier one
// changes that submission's record, never the student's score.

import { finalScore } from '../deadlines/late-policy';
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
  return countingSubmission(await store.listSubmissions({ courseId: s.courseId, assignmentId: s.assignmentId, studentId: s.studentId }))?.id === s.id;
}

/** A CSV field, quoted when it must be; a leading formula character is neutralised. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export async function gradeBookCsv(store: Store, courseId: string): Promise<string> {
  const assignments = await store.listAssignments(courseId);
  const students = await store.members(courseId, 'student');
  const counting = countingSubmissions(await store.listSubmissions({ courseId }));
  const header = ['student', 'name', 'email', ...assignments.flatMap((a) => [a.id, `${a.id} max`, `${a.id} late`])];
  const rows = [header.map(csvField).join(',')];
  for (const st of students) {
    const cells = [st.id, st.name, st.email ?? ''];
    for (const a of assignments) {
      const s = counting.get(`${a.id}/${st.id}`);
      const score = s ? finalScore(s.rawScore, s.penaltyPercent, s.override) : undefined;
      cells.push(score === undefined ? '' : String(score), String(a.maxScore), s?.late ? 'yes' : '');
    }
    rows.push(cells.map(csvField).join(','));
  }
  return rows.join('\r\n') + '\r\n';
}
