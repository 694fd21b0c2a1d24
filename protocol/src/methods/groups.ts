// Groups of a group assignment (`group: { maxSize }` in its assignment.yaml):
// staff form them and name their members, students of the course, each in at
// most one group per assignment and no group above the assignment's size. A
// group shares one workspace (`<course>--<assignment>--<group>`) and one
// grade; each recorded version names the members whose edits made it.

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';
import { AssignmentId, CourseId, Instant, PersonId, Slug, WorkOwnerId } from './courses';

/** A group's id, unique within its assignment, e.g. `team-a` (a slug of at most 40 characters). */
export const GroupId = Type.String({ pattern: Slug.pattern, minLength: 1, maxLength: 40 });

/** One member of a group. */
export const GroupMember = Type.Object({
  personId: PersonId,
  name: Type.Optional(Type.String()),
});
export type GroupMember = Static<typeof GroupMember>;

/** One group. */
export const GroupSummary = Type.Object({
  courseId: CourseId,
  assignmentId: AssignmentId,
  groupId: GroupId,
  /** Sorted by person id. */
  members: Type.Array(GroupMember),
  /** Whose work the group's is: its submissions, versions and workspace name this in their `studentId`. */
  workOwnerId: WorkOwnerId,
  /** The group's workspace, `<course>--<assignment>--<group>`. */
  workspaceId: Type.String(),
  /** The gateway path members connect to for this assignment. */
  connectPath: Type.String(),
  createdAt: Instant,
});
export type GroupSummary = Static<typeof GroupSummary>;

/** `groups/list`: the groups of a course or of one assignment. */
export namespace ListGroupsRequest {
  export const method = 'groups/list';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "The groups of a course (of one assignment, when named). Staff: every group; a student: only the groups they belong to.",
    params: Type.Object({ courseId: CourseId, assignmentId: Type.Optional(AssignmentId) }),
    result: Type.Object({ groups: Type.Array(GroupSummary) }),
  });
}

/** `groups/save`: create a group or replace its members. */
export namespace SaveGroupRequest {
  export const method = 'groups/save';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Create a group of a group assignment, or replace its members (the course's staff; audit-logged). Every member must be a student of the course, in no other group of the assignment, and the group no larger than the assignment's `group.maxSize`. A group that already handed work in keeps its work; members removed from it work alone from then on.",
    params: Type.Object({
      courseId: CourseId,
      assignmentId: AssignmentId,
      groupId: GroupId,
      members: Type.Array(PersonId, { minItems: 1, maxItems: 50 }),
    }),
    result: Type.Object({ group: GroupSummary, created: Type.Boolean() }),
  });
}

/** `groups/remove`: remove a group. */
export namespace RemoveGroupRequest {
  export const method = 'groups/remove';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Remove a group (the course's staff; audit-logged). Refused once the group handed work in: its submissions carry its members' grade.",
    params: Type.Object({ courseId: CourseId, assignmentId: AssignmentId, groupId: GroupId }),
    result: Type.Object({ removed: Type.Boolean() }),
  });
}
