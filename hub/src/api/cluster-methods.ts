// `workspaces/list|start|stop|openTerminal`, `cluster/nodes`, `audit/list`.

import {
  errors,
  ListAuditRequest,
  ListClusterNodesRequest,
  ListWorkspacesRequest,
  OpenWorkspaceTerminalRequest,
  StartWorkspaceRequest,
  StopWorkspaceRequest,
  type RpcEndpoint,
} from '@classpod/protocol';
import { audit, type ApiContext } from './api-context';
import type { Caller } from './authorization';
import { groupOwnerId } from '../groups/work-owner';
import { groupMembers } from './group-methods';
import { workspaceView } from './views';

export function attachClusterMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  const infoOf = async (courseId: string, studentId: string) => {
    const person = await ctx.store.people.get(studentId);
    return workspaceView(await ctx.provider.status({ courseId, studentId }), person?.name);
  };

  endpoint.handle(ListWorkspacesRequest.type, async (p) => {
    const role = await ctx.authz.member(caller, p.courseId);
    const students = role === 'student' ? [caller.person] : await ctx.store.courses.members(p.courseId, 'student');
    const known = new Map((await ctx.provider.list(p.courseId)).map((s) => [s.studentId, s]));
    // A group assignment's groups have a workspace each: staff see every one, a student their own groups'.
    const groups = (await ctx.store.groups.list(p.courseId)).filter((g) => role !== 'student' || g.members.includes(caller.person.id));
    const status = async (studentId: string) => known.get(studentId) ?? (await ctx.provider.status({ courseId: p.courseId, studentId }));
    return {
      workspaces: [
        ...(await Promise.all(students.map(async (st) => workspaceView(await status(st.id), st.name)))),
        ...(await Promise.all(
          groups.map(async (g) => {
            const names = (await groupMembers(ctx.store, g)).map((m) => m.name ?? m.personId).join(', ');
            return workspaceView(await status(groupOwnerId(g.assignmentId, g.id)), `Group ${g.id} (${g.assignmentId}): ${names}`);
          }),
        )),
      ],
    };
  });

  endpoint.handle(StartWorkspaceRequest.type, async (p, rc) => {
    const role = await ctx.authz.studentWork(caller, p.courseId, p.studentId);
    await ctx.workspaces.open(p, rc.signal);
    if (role !== 'student') await audit(ctx, caller, 'workspace.start', p.courseId, p.studentId);
    return { workspace: await infoOf(p.courseId, p.studentId) };
  });

  endpoint.handle(StopWorkspaceRequest.type, async (p) => {
    await ctx.authz.staff(caller, p.courseId);
    if ((await ctx.store.courses.roleIn(p.courseId, p.studentId)) !== 'student') throw errors.notFound(`${p.studentId} is not a student of course ${p.courseId}`);
    await ctx.provider.stop(p);
    await audit(ctx, caller, 'workspace.stop', p.courseId, p.studentId);
    return { workspace: await infoOf(p.courseId, p.studentId) };
  });

  endpoint.handle(OpenWorkspaceTerminalRequest.type, async (p, rc) => {
    await ctx.authz.staff(caller, p.courseId);
    await ctx.authz.studentWork(caller, p.courseId, p.studentId);
    await audit(ctx, caller, 'workspace.terminal', p.courseId, p.studentId);
    await ctx.workspaces.open(p, rc.signal);
    const workspace = await infoOf(p.courseId, p.studentId);
    return { workspace, connectPath: workspace.connectPath };
  });

  endpoint.handle(ListClusterNodesRequest.type, async () => {
    const staffSomewhere = caller.person.admin || (await ctx.store.courses.enrolmentsOf(caller.person.id)).some((e) => e.role !== 'student');
    if (!staffSomewhere) throw errors.forbidden('only course staff may see the cluster');
    return { provider: ctx.provider.kind, nodes: await ctx.provider.nodes() };
  });

  endpoint.handle(ListAuditRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    const entries = await ctx.store.audit.list(p.courseId, p.limit ?? 100);
    return {
      entries: entries.map((e) => ({
        id: e.id,
        at: e.at,
        actorId: e.actorId,
        action: e.action,
        ...(e.courseId ? { courseId: e.courseId } : {}),
        ...(e.target ? { target: e.target } : {}),
        ...(e.detail ? { detail: e.detail } : {}),
      })),
    };
  });
}
