// The grade book as CSV: one row per student, one column per assignment with
// the final score of the student's latest submission (empty when none).

import { finalScore } from '../deadlines/late-policy';
import type { Store } from '../store/store';

/** A CSV field, quoted when it must be; a leading formula character is neutralised. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export async function gradeBookCsv(store: Store, courseId: string): Promise<string> {
  const assignments = await store.listAssignments(courseId);
  const students = await store.members(courseId, 'student');
  const all = await store.listSubmissions({ courseId });
  const header = ['student', 'name', 'email', ...assignments.flatMap((a) => [a.id, `${a.id} max`, `${a.id} late`])];
  const rows = [header.map(csvField).join(',')];
  for (const st of students) {
    const cells = [st.id, st.name, st.email ?? ''];
    for (const a of assignments) {
      const latest = all.find((s) => s.studentId === st.id && s.assignmentId === a.id); // newest first
      const score = latest ? finalScore(latest.rawScore, latest.penaltyPercent, latest.override) : undefined;
      cells.push(score === undefined ? '' : String(score), String(a.maxScore), latest?.late ? 'yes' : '');
    }
    rows.push(cells.map(csvField).join(','));
  }
  return rows.join('\r\n') + '\r\n';
}
