// Whose work a person's work on an assignment is. On a group assignment, a
// member's work is the group's: one workspace, one history of versions, one
// set of submissions and so one grade, all kept under the group's work owner
// id `<assignment>--<group>` where a student's own work is kept under their
// person id. A person id is a slug and never holds `--`, so the two can never
// name the same work; the workspace id of a group is then
// `<course>--<assignment>--<group>`.

import { isSlugId } from '../ids/slug-ids';
import type { Assignment } from '../store/records';
import type { Group } from '../store/group-repository';
import type { Store } from '../store/store';

/** Longest group id: a work owner id stays a short folder and object name. */
export const MAX_GROUP_ID_LENGTH = 40;

/** The work owner id of a group. */
export function groupOwnerId(assignmentId: string, groupId: string): string {
  return `${assignmentId}--${groupId}`;
}

/** The group a work owner id names, or undefined when it is not a group's (a person id, or nothing valid). */
export function parseGroupOwner(ownerId: string): { assignmentId: string; groupId: string } | undefined {
  const i = ownerId.indexOf('--');
  if (i < 0) return undefined;
  const assignmentId = ownerId.slice(0, i);
  const groupId = ownerId.slice(i + 2);
  return isSlugId(assignmentId) && isSlugId(groupId) && groupId.length <= MAX_GROUP_ID_LENGTH ? { assignmentId, groupId } : undefined;
}

/** Whose work a person's work on the assignment is: their group's on a group assignment when they are in one, else their own. */
export async function ownerOf(store: Store, a: Assignment, personId: string): Promise<string> {
  if (a.groupMaxSize === undefined) return personId;
  const g = await store.groups.groupOf(a.courseId, a.id, personId);
  return g ? groupOwnerId(a.id, g.id) : personId;
}

/** How a work owner reads to people: a person's name, or "Group g: Ana, Ben" for a group (undefined when unknown). */
export async function workOwnerName(store: Store, courseId: string, ownerId: string): Promise<string | undefined> {
  const group = parseGroupOwner(ownerId);
  if (!group) return (await store.people.get(ownerId))?.name;
  const g = await store.groups.get(courseId, group.assignmentId, group.groupId);
  if (!g) return undefined;
  const names = await Promise.all(g.members.map(async (m) => (await store.people.get(m))?.name ?? m));
  return `Group ${group.groupId}: ${names.join(', ')}`;
}

/** The work owners of a student's groups on the course's group assignments (of one, when named), by assignment. */
export async function groupOwnersOf(store: Store, courseId: string, studentId: string, assignmentId?: string): Promise<Map<string, string>> {
  const grouped = new Set((await store.assignments.list(courseId)).filter((a) => a.groupMaxSize !== undefined).map((a) => a.id));
  const out = new Map<string, string>();
  for (const g of await store.groups.list(courseId, assignmentId)) {
    if (grouped.has(g.assignmentId) && g.members.includes(studentId)) out.set(g.assignmentId, groupOwnerId(g.assignmentId, g.id));
  }
  return out;
}

/**
 * Every member's work owner for the course's group assignments, keyed
 * `assignment/person` (read once for a whole class: the gradebook, the export);
 * a person and assignment missing from it work alone.
 */
export function ownersOfMembers(assignments: readonly Assignment[], groups: readonly Group[]): Map<string, string> {
  const grouped = new Set(assignments.filter((a) => a.groupMaxSize !== undefined).map((a) => a.id));
  const out = new Map<string, string>();
  for (const g of groups) {
    if (!grouped.has(g.assignmentId)) continue;
    for (const m of g.members) out.set(`${g.assignmentId}/${m}`, groupOwnerId(g.assignmentId, g.id));
  }
  return out;
}
