// Workspaces and the machines that run them, as professors see them in the
// cluster tree; starting, stopping and opening a terminal into a student's
// workspace (audit-logged). Terminals themselves are the agent's methods,
// reached through the hub's gateway `/v1/workspaces/<workspaceId>/connect`.

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';
import { CourseId, Instant, PersonId, WorkOwnerId } from './courses';

/** Lifecycle state of a workspace. */
export const WorkspaceState = Type.Union([
  Type.Literal('stopped'),
  Type.Literal('starting'),
  Type.Literal('running'),
  Type.Literal('stopping'),
  Type.Literal('failed'),
]);

/** One student's workspace in one course. */
export const WorkspaceInfo = Type.Object({
  /** `<courseId>--<studentId>`. */
  workspaceId: Type.String(),
  courseId: CourseId,
  studentId: WorkOwnerId,
  studentName: Type.Optional(Type.String()),
  state: WorkspaceState,
  reason: Type.Optional(Type.String()),
  node: Type.Optional(Type.String()),
  startedAt: Type.Optional(Instant),
  cpuMillicores: Type.Optional(Type.Number()),
  memoryBytes: Type.Optional(Type.Number()),
  /** Gateway path the extension connects to (same host as the hub API). */
  connectPath: Type.String(),
});
export type WorkspaceInfo = Static<typeof WorkspaceInfo>;

/** `workspaces/list`: the caller's own workspaces (students) or a course's (staff). */
export namespace ListWorkspacesRequest {
  export const method = 'workspaces/list';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "Workspaces of a course: every student's for staff, the caller's own for a student.",
    params: Type.Object({ courseId: CourseId }),
    result: Type.Object({ workspaces: Type.Array(WorkspaceInfo) }),
  });
}

const WorkspaceParams = Type.Object({ courseId: CourseId, studentId: PersonId });

/** `workspaces/start`: start a workspace (staff, or a student for their own). */
export namespace StartWorkspaceRequest {
  export const method = 'workspaces/start';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Start a workspace and wait until its agent is ready (staff for any student; a student for their own).',
    params: WorkspaceParams,
    result: Type.Object({ workspace: WorkspaceInfo }),
  });
}

/** `workspaces/stop`: stop a workspace, keeping its files (staff). */
export namespace StopWorkspaceRequest {
  export const method = 'workspaces/stop';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "Stop a student's workspace; its files are kept (staff; audit-logged).",
    params: WorkspaceParams,
    result: Type.Object({ workspace: WorkspaceInfo }),
  });
}

/** `workspaces/openTerminal`: staff ask to enter a student's workspace; audit-logged. */
export namespace OpenWorkspaceTerminalRequest {
  export const method = 'workspaces/openTerminal';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Record (audit log) that a professor opens a terminal in a student's workspace, start it, and return the gateway path; the terminal is then opened with the agent's terminal methods over that connection.",
    params: WorkspaceParams,
    result: Type.Object({ workspace: WorkspaceInfo, connectPath: Type.String() }),
  });
}

/** A machine that runs workspaces. */
export const ClusterNodeInfo = Type.Object({
  name: Type.String(),
  ready: Type.Boolean(),
  cpuCapacityMillicores: Type.Optional(Type.Number()),
  memoryCapacityBytes: Type.Optional(Type.Number()),
  cpuAllocatableMillicores: Type.Optional(Type.Number()),
  memoryAllocatableBytes: Type.Optional(Type.Number()),
  workspaces: Type.Integer({ minimum: 0 }),
});

/** `cluster/nodes`: machines that run workspaces (staff of any course). */
export namespace ListClusterNodesRequest {
  export const method = 'cluster/nodes';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Machines that run workspaces, with capacity and workspace counts (staff only).',
    params: Type.Object({}),
    result: Type.Object({ provider: Type.String(), nodes: Type.Array(ClusterNodeInfo) }),
  });
}

/** One privileged action, as recorded. */
export const AuditEntry = Type.Object({
  id: Type.String(),
  at: Instant,
  actorId: Type.String(),
  action: Type.String(),
  courseId: Type.Optional(Type.String()),
  target: Type.Optional(Type.String()),
  detail: Type.Optional(Type.String()),
});
export type AuditEntry = Static<typeof AuditEntry>;

/** `audit/list`: the audit log of a course (professors). */
export namespace ListAuditRequest {
  export const method = 'audit/list';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "Privileged actions recorded for a course, newest first, with its members' sign-ins, renewals and sign-outs (professors only).",
    params: Type.Object({ courseId: CourseId, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
    result: Type.Object({ entries: Type.Array(AuditEntry) }),
  });
}
