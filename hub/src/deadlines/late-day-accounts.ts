// Late-day accounts read from the store: the course's grant plus staff
// grants, spent by the submissions that count (the rule is late-days.ts),
// students' and groups' together, since a group's late work spends from its
// members. A few store reads per course, whatever the class size.

import { countingSubmissions } from '../grading/grade-book';
import { groupOwnerId } from '../groups/work-owner';
import type { Repositories } from '../store/store';
import { courseLateDayAccounts, type LateDayAccount } from './late-days';

/**
 * Every account in a course (or one, when `studentId` names a student or a
 * group's work owner id), keyed by student id and by group work owner id.
 * `except`: leave that assignment's submissions out (what a new submission to
 * it may spend). Students with no submission get an account too when named in
 * `students`; every group of a group assignment has one.
 */
export async function lateDayAccounts(
  store: Repositories,
  courseId: string,
  options: { studentId?: string; except?: string; students?: readonly string[] } = {},
): Promise<Map<string, LateDayAccount>> {
  const [courseDays, granted, assignments, submissions, extensions, groups] = await Promise.all([
    store.lateDays.courseDays(courseId),
    store.lateDays.grantedByStudent(courseId),
    store.assignments.list(courseId),
    store.submissions.list({ courseId }),
    store.extensions.list(courseId),
    store.groups.list(courseId),
  ]);
  const byId = new Map(assignments.map((a) => [a.id, a]));
  const counting = [...countingSubmissions(submissions.filter((s) => s.assignmentId !== options.except)).values()];
  const members = new Map(
    groups.filter((g) => byId.get(g.assignmentId)?.groupMaxSize !== undefined).map((g) => [groupOwnerId(g.assignmentId, g.id), g.members] as const),
  );
  const accounts = courseLateDayAccounts(
    {
      totals: (id) => courseDays + (granted.get(id) ?? 0),
      students: [...(options.students ?? []), ...(options.studentId && !members.has(options.studentId) ? [options.studentId] : [])],
      groups: members,
    },
    byId,
    new Map(extensions.map((e) => [`${e.assignmentId}/${e.studentId}`, e])),
    counting,
  );
  if (!options.studentId) return accounts;
  const one = accounts.get(options.studentId);
  return new Map(one ? [[options.studentId, one]] : []);
}
