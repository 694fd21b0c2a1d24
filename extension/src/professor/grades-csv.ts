// One assignment's grades as CSV, for a spreadsheet or the registrar: one row
// per student with their latest submission's final score. (The whole course's
// grade book comes from the hub's `grades/export`.)

import type { CourseMember, SubmissionSummary } from '@classpod/protocol';

/** The header of the CSV, in order. */
export const GRADE_COLUMNS = ['student_id', 'name', 'email', 'submitted_at', 'late', 'penalty_percent', 'status', 'score', 'max_score', 'overridden', 'override_comment', 'submissions'];

/** Quote a CSV field when it needs it (RFC 4180), and defuse spreadsheet formulas. */
export function csvField(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  // A cell that starts with = + - @ is run as a formula by spreadsheets; numbers are safe.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The CSV text: students sorted by id, then anyone with a submission who is no
 * longer enrolled. Lines end with CRLF, as RFC 4180 says.
 */
export function assignmentGradesCsv(students: readonly CourseMember[], submissions: ReadonlyMap<string, readonly SubmissionSummary[]>): string {
  const rows = [GRADE_COLUMNS.join(',')];
  const byId = new Map(students.map((s) => [s.personId, s]));
  const ids = [...new Set([...byId.keys(), ...submissions.keys()])].sort();
  for (const id of ids) {
    const person = byId.get(id);
    const list = [...(submissions.get(id) ?? [])].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
    const latest = list[0];
    rows.push(
      [
        id,
        person?.name ?? '',
        person?.email,
        latest?.submittedAt,
        latest ? latest.late : undefined,
        latest?.penaltyPercent,
        latest ? latest.status : 'not submitted',
        latest?.score,
        latest?.maxScore,
        latest ? latest.override !== undefined : undefined,
        latest?.override?.comment,
        list.length,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return rows.join('\r\n') + '\r\n';
}
