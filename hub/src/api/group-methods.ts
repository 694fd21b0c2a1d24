// `groups/list|save|remove`: the groups of a group assignment. Staff form
// them; the hub enforces what a group may be (students of the course, one
// group per student per assignment, no larger than `group.maxSize`) here and
// in the members table's key.

import { errors, ListGroupsRequest, RemoveGroupRequest, SaveGroupRequest, type GroupSummary, type RpcEndpoint } from '@classpod/protocol';
import { groupOwnerId } from '../groups/work-owner';
import { AlreadyGrouped, type Group } from '../store/group-repository';
import type { Store } from '../store/store';
import { audit, type ApiContext } from './api-context';
import type { Caller } from './authorization';

/** The gateway path of a group's workspace. */
export function groupConnectPath(g: { courseId: string; assignmentId: string; id: string }): string {
  return `/v1/workspaces/${encodeURIComponent(`${g.courseId}--${groupOwnerId(g.assignmentId, g.id)}`)}/connect`;
}

/** Members with their names, as clients show them. */
export async function groupMembers(store: Store, g: Group): Promise<Array<{ personId: string; name?: string }>> {
  const out = [];
  for (const id of g.members) {
    const p = await store.people.get(id);
    out.push({ personId: id, ...(p?.name ? { name: p.name } : {}) });
  }
  return out;
}

export async function groupView(store: Store, g: Group): Promise<GroupSummary> {
  const owner = groupOwnerId(g.assignmentId, g.id);
  return {
    courseId: g.courseId,
    assignmentId: g.assignmentId,
    groupId: g.id,
    members: await groupMembers(store, g),
    workOwnerId: owner,
    workspaceId: `${g.courseId}--${owner}`,
    connectPath: groupConnectPath(g),
    createdAt: g.createdAt,
  };
}

export function attachGroupMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  /** The assignment, which must be a group assignment. */
  const groupAssignment = async (courseId: string, assignmentId: string) => {
    const a = await ctx.store.assignments.get(courseId, assignmentId);
    if (!a) throw errors.notFound(`no assignment ${assignmentId} in course ${courseId}`);
    if (a.groupMaxSize === undefined) throw errors.invalidParams(`${assignmentId} is not a group assignment: add \`group: { maxSize: N }\` to its assignment.yaml`);
    return { ...a, groupMaxSize: a.groupMaxSize };
  };

  endpoint.handle(ListGroupsRequest.type, async (p) => {
    const role = await ctx.authz.member(caller, p.courseId);
    const all = await ctx.store.groups.list(p.courseId, p.assignmentId);
    const visible = role === 'student' ? all.filter((g) => g.members.includes(caller.person.id)) : all;
    return { groups: await Promise.all(visible.map((g) => groupView(ctx.store, g))) };
  });

  endpoint.handle(SaveGroupRequest.type, async (p) => {
    await ctx.authz.staff(caller, p.courseId);
    const a = await groupAssignment(p.courseId, p.assignmentId);
    const members = [...new Set(p.members)].sort();
    if (members.length !== p.members.length) throw errors.invalidParams('a member is named twice');
    if (members.length > a.groupMaxSize) {
      throw errors.invalidParams(`a group of ${a.id} has at most ${a.groupMaxSize} members; ${members.length} were named`);
    }
    for (const m of members) {
      if ((await ctx.store.courses.roleIn(p.courseId, m)) !== 'student') throw errors.invalidParams(`${m} is not a student of course ${p.courseId}`);
      if (await ctx.rosters.isWithdrawn(p.courseId, m)) throw errors.invalidParams(`${m} was withdrawn from course ${p.courseId}`);
    }
    const existing = await ctx.store.groups.get(p.courseId, p.assignmentId, p.groupId);
    let group: Group;
    try {
      group = await ctx.store.groups.save({ courseId: p.courseId, assignmentId: p.assignmentId, id: p.groupId, members, createdBy: caller.person.id });
    } catch (err) {
      if (err instanceof AlreadyGrouped) throw errors.conflict(`${err.personId} is already in group ${err.groupId} of ${p.assignmentId}; one group per student per assignment`);
      throw err;
    }
    await audit(ctx, caller, existing ? 'group.update' : 'group.create', p.courseId, `${p.assignmentId}/${p.groupId}`, { members });
    return { group: await groupView(ctx.store, group), created: !existing };
  });

  endpoint.handle(RemoveGroupRequest.type, async (p) => {
    await ctx.authz.staff(caller, p.courseId);
    const owner = groupOwnerId(p.assignmentId, p.groupId);
    if ((await ctx.store.submissions.list({ courseId: p.courseId, assignmentId: p.assignmentId, studentId: owner })).length > 0) {
      throw errors.conflict(`group ${p.groupId} handed work in for ${p.assignmentId}; its submissions carry its members' grade, so it stays`);
    }
    const removed = await ctx.store.groups.remove(p.courseId, p.assignmentId, p.groupId);
    if (removed) await audit(ctx, caller, 'group.remove', p.courseId, `${p.assignmentId}/${p.groupId}`);
    return { removed };
  });
}
