// `groups/list|save|remove`: the groups of a group assignment. Staff form
// them; what a group may be is groups/group-rules.ts (the CLI's rules too).

import { errors, ListGroupsRequest, RemoveGroupRequest, SaveGroupRequest, type GroupSummary, type RpcEndpoint } from '@classpod/protocol';
import { groupOwnerId } from '../groups/work-owner';
import { saveGroup } from '../groups/group-rules';
import { reviewAndAnnounceLateness } from '../deadlines/lateness-review';
import type { Group } from '../store/group-repository';
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
  endpoint.handle(ListGroupsRequest.type, async (p) => {
    const role = await ctx.authz.member(caller, p.courseId);
    const all = await ctx.store.groups.list(p.courseId, p.assignmentId);
    const visible = role === 'student' ? all.filter((g) => g.members.includes(caller.person.id)) : all;
    return { groups: await Promise.all(visible.map((g) => groupView(ctx.store, g))) };
  });

  endpoint.handle(SaveGroupRequest.type, async (p) => {
    await ctx.authz.staff(caller, p.courseId);
    const { group, created } = await saveGroup(ctx.store, ctx.rosters, { ...p, by: caller.person.id });
    await audit(ctx, caller, created ? 'group.create' : 'group.update', p.courseId, `${p.assignmentId}/${p.groupId}`, { members: group.members });
    // The members charged for a group's late work are its members as it stands (deadlines/late-days.ts).
    await reviewAndAnnounceLateness(ctx.store, ctx.events, p.courseId);
    return { group: await groupView(ctx.store, group), created };
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
