// Students' late-day accounts read from the store: the course's grant plus
// staff grants, spent by the submissions that count (the rule is
// late-days.ts). A few store reads per course, whatever the class size.

import { countingSubmissions } from '../grading/grade-book';
import type { Repositories } from '../store/store';
import { lateDayAccount, type LateDayAccount } from './late-days';

/**
 * Every student's account in a course (or one student's), keyed by student id.
 * `except`: leave that assignment's submissions out (what a new submission to it
 * may spend). Students with no submission get an account too when named in `students`.
 */
export async function lateDayAccounts(
  store: Repositories,
  courseId: string,
  options: { studentId?: string; except?: string; students?: readonly string[] } = {},
): Promise<Map<string, LateDayAccount>> {
  const [courseDays, granted, assignments, submissions, extensions] = await Promise.all([
    store.lateDays.courseDays(courseId),
    store.lateDays.grantedByStudent(courseId, options.studentId),
    store.assignments.list(courseId),
    store.submissions.list({ courseId, ...(options.studentId ? { studentId: options.studentId } : {}) }),
    store.extensions.list(courseId),
  ]);
  const byId = new Map(assignments.map((a) => [a.id, a]));
  const counting = [...countingSubmissions(submissions.filter((s) => s.assignmentId !== options.except)).values()];
  const students = new Set([...(options.students ?? []), ...(options.studentId ? [options.studentId] : []), ...counting.map((s) => s.studentId)]);
  const group = <T extends { studentId: string }>(xs: readonly T[]): Map<string, T[]> => {
    const m = new Map<string, T[]>();
    for (const x of xs) m.set(x.studentId, [...(m.get(x.studentId) ?? []), x]);
    return m;
  };
  const countingOf = group(counting);
  const extensionsOf = group(extensions);
  const accounts = new Map<string, LateDayAccount>();
  for (const studentId of students) {
    if (options.studentId && studentId !== options.studentId) continue;
    const exts = new Map((extensionsOf.get(studentId) ?? []).map((e) => [e.assignmentId, e]));
    const total = courseDays + (granted.get(studentId) ?? 0);
    accounts.set(studentId, lateDayAccount(total, byId, exts, countingOf.get(studentId) ?? []));
  }
  return accounts;
}
