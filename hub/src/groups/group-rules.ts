// What a group may be, checked in one place for every way one is formed (the
// `groups/save` method, the `classpod-hub groups save` command): a group
// assignment's group of students of the course (none withdrawn, none named
// twice), no larger than its `group.maxSize`, each member in no other group of
// the assignment (also the members table's key).

import { errors } from '@classpod/protocol';
import { AlreadyGrouped, type Group } from '../store/group-repository';
import type { RosterRepository } from '../store/roster-repository';
import type { Store } from '../store/store';

/** Create the group or replace its members; throws a ProtocolError (InvalidParams, NotFound, Conflict) naming what is wrong. */
export async function saveGroup(
  store: Store,
  rosters: RosterRepository,
  g: { courseId: string; assignmentId: string; groupId: string; members: readonly string[]; by: string },
): Promise<{ group: Group; created: boolean }> {
  const a = await store.assignments.get(g.courseId, g.assignmentId);
  if (!a) throw errors.notFound(`no assignment ${g.assignmentId} in course ${g.courseId}`);
  if (a.groupMaxSize === undefined) throw errors.invalidParams(`${g.assignmentId} is not a group assignment: add \`group: { maxSize: N }\` to its assignment.yaml`);
  const members = [...new Set(g.members)].sort();
  if (members.length === 0) throw errors.invalidParams('a group has at least one member');
  if (members.length !== g.members.length) throw errors.invalidParams('a member is named twice');
  if (members.length > a.groupMaxSize) throw errors.invalidParams(`a group of ${a.id} has at most ${a.groupMaxSize} members; ${members.length} were named`);
  for (const m of members) {
    if ((await store.courses.roleIn(g.courseId, m)) !== 'student') throw errors.invalidParams(`${m} is not a student of course ${g.courseId}`);
    if (await rosters.isWithdrawn(g.courseId, m)) throw errors.invalidParams(`${m} was withdrawn from course ${g.courseId}`);
  }
  const existing = await store.groups.get(g.courseId, g.assignmentId, g.groupId);
  try {
    const group = await store.groups.save({ courseId: g.courseId, assignmentId: g.assignmentId, id: g.groupId, members, createdBy: g.by });
    return { group, created: !existing };
  } catch (err) {
    if (err instanceof AlreadyGrouped) throw errors.conflict(`${err.personId} is already in group ${err.groupId} of ${g.assignmentId}; one group per student per assignment`);
    throw err;
  }
}
