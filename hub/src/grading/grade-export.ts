// The course's grades as CSV, in the one layout every export uses (the hub's
// `GET /v1/courses/<id>/grades.csv`, `grades/export`, and the extension's
// export of a course or of one assignment): one row per student and
// assignment, with the submission that counts (the latest). Written with
// csv-stringify: RFC 4180 quoting, CRLF line ends, and a cell that a
// spreadsheet would run as a formula (= + - @ first) defused with a quote.

import { stringify } from 'csv-stringify/sync';
import { lateDayAccounts } from '../deadlines/late-day-accounts';
import type { LateDayAccount } from '../deadlines/late-days';
import type { Assignment, Submission } from '../store/records';
import type { Store } from '../store/store';
import { ownersOfMembers, parseGroupOwner } from '../groups/work-owner';
import { countingSubmissions } from './grade-book';
import { submissionScore } from './submission-score';

/** The columns, in order. */
export const GRADE_COLUMNS = [
  'student_id',
  'name',
  'email',
  'assignment_id',
  'submitted_at',
  'late',
  'penalty_percent',
  'status',
  'score',
  'max_score',
  'overridden',
  'override_comment',
  'submissions',
  'rubric_points',
  'late_days_used',
  'late_days_remaining',
] as const;

type Cell = string | number | boolean | undefined;

/** A text cell a spreadsheet would run as a formula gets a leading quote. */
function defused(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The CSV text of `rows` under GRADE_COLUMNS. */
function gradesText(rows: Cell[][]): string {
  return stringify([[...GRADE_COLUMNS], ...rows], {
    record_delimiter: 'windows',
    cast: { string: defused, boolean: (b) => String(b), number: (n) => String(n) },
  });
}

/** One row: a student's standing on one assignment (`counting` is the submission that counts, `count` how many they made). */
function gradeRow(
  student: { id: string; name?: string; email?: string },
  a: Assignment,
  counting: Submission | undefined,
  count: number,
  account: LateDayAccount | undefined,
): Cell[] {
  return [
    student.id,
    student.name ?? '',
    student.email,
    a.id,
    counting?.submittedAt,
    counting?.late,
    counting?.penaltyPercent,
    counting ? counting.status : 'not submitted',
    counting ? submissionScore(counting) : undefined,
    a.maxScore,
    counting ? counting.override !== undefined : undefined,
    counting?.override?.comment,
    count,
    counting?.rubricPoints,
    // Late days (deadlines/late-days.ts): what this submission spent, what the student has left in the course; empty when they have none.
    account && account.total > 0 ? (account.entries.get(a.id)?.lateDaysUsed ?? 0) : undefined,
    account && account.total > 0 ? account.remaining : undefined,
  ];
}

/**
 * The grades of a course (or of one of its assignments): the course's
 * students, then anyone with a submission who is no longer enrolled, by id;
 * for each, the course's assignments in order.
 */
export async function gradesCsv(store: Store, courseId: string, assignmentId?: string): Promise<string> {
  const assignments = (await store.assignments.list(courseId)).filter((a) => assignmentId === undefined || a.id === assignmentId);
  const submissions = (await store.submissions.list({ courseId })).filter((s) => assignmentId === undefined || s.assignmentId === assignmentId);
  const counting = countingSubmissions(submissions);
  const made = new Map<string, number>();
  for (const s of submissions) made.set(`${s.assignmentId}/${s.studentId}`, (made.get(`${s.assignmentId}/${s.studentId}`) ?? 0) + 1);
  const enrolled = new Map((await store.courses.members(courseId, 'student')).map((p) => [p.id, p]));
  // A group's submissions are its members' grade: each member's row shows them, and the group has no row of its own.
  const owners = ownersOfMembers(assignments, await store.groups.list(courseId));
  const ids = [...new Set([...enrolled.keys(), ...submissions.map((s) => s.studentId).filter((id) => !parseGroupOwner(id))])].sort();
  // Over every assignment of the course, even when one is exported: tokens are spent across them.
  const accounts = await lateDayAccounts(store, courseId, { students: ids });
  const rows = ids.flatMap((id) => {
    const student = enrolled.get(id) ?? { id };
    return assignments.map((a) => {
      const owner = owners.get(`${a.id}/${id}`) ?? id;
      return gradeRow(student, a, counting.get(`${a.id}/${owner}`), made.get(`${a.id}/${owner}`) ?? 0, accounts.get(id));
    });
  });
  return gradesText(rows);
}
