// Late-day accounts read from the store: the course's grant plus staff
// grants, spent by the submissions that count (the rule is late-days.ts),
// students' and groups' together, since a group's late work spends from its
// members. A few store reads per course, whatever the class size; for one
// student, only the submissions of those linked to them by groups.

import { countingSubmissions } from '../grading/grade-book';
import { groupOwnerId } from '../groups/work-owner';
import type { Group } from '../store/group-repository';
import type { Repositories } from '../store/store';
import { courseLateDayAccounts, type LateDayAccount } from './late-days';

/**
 * The work owners whose late work may move when one owner's does: a group's
 * late work spends from its members, whose own work and other groups then
 * spend from what is left, and so on (students and groups linked by membership).
 * Their accounts depend on their submissions alone.
 */
export function linkedOwners(start: string, groups: readonly Group[]): Set<string> {
  const links = new Map<string, string[]>();
  const link = (x: string, y: string): void => {
    links.set(x, [...(links.get(x) ?? []), y]);
    links.set(y, [...(links.get(y) ?? []), x]);
  };
  for (const g of groups) for (const m of g.members) link(groupOwnerId(g.assignmentId, g.id), m);
  const seen = new Set([start]);
  const todo = [start];
  while (todo.length > 0) {
    for (const next of links.get(todo.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return seen;
}

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
  options: { studentId?: string; except?: string; students?: readonly string[]; owners?: readonly string[] } = {},
): Promise<Map<string, LateDayAccount>> {
  const groups = await store.groups.list(courseId);
  // One student's (or group's) account needs only the work of those linked to them by groups; `owners`, a set so linked, the same.
  const owners = options.owners ?? (options.studentId ? [...linkedOwners(options.studentId, groups)] : undefined);
  const [courseDays, granted, assignments, submissions, extensions] = await Promise.all([
    store.lateDays.courseDays(courseId),
    store.lateDays.grantedByStudent(courseId),
    store.assignments.list(courseId),
    store.submissions.list({ courseId, ...(owners ? { studentIds: owners } : {}) }),
    store.extensions.list(courseId),
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
