// Opening a student's workspace: check the student is enrolled, have the
// provider start it, and bring its `.classpod/` layout up to date through its
// agent. Used by the gateway and by `workspaces/start`; staff changes
// (assignments, extensions) reach running workspaces at once and the others
// when they are next opened.

import { errors } from '@classpod/protocol';
import { type Logger } from '@classpod/observability';
import type { BlobStore } from '../blobs/blob-store';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';
import type { WorkspaceFileAccess, WorkspaceFiles } from './agent-file-access';
import { groupOwnerId, parseGroupOwner } from '../groups/work-owner';
import { writeWorkspaceLayout } from './workspace-layout';
import { workspaceIdOf, type AgentEndpoint, type WorkspaceKey, type WorkspaceProvider } from './workspace-provider';

export class WorkspaceOpener {
  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly provider: WorkspaceProvider,
    /** Access to workspace files (through their agents). */
    private readonly files: WorkspaceFileAccess,
    private readonly clock: Clock,
    private readonly hubUrl: () => string | undefined,
    private readonly logger?: Logger,
  ) {}

  /** Write the layout of the assignments open now over a connection to the workspace's files. */
  private async layoutInto(key: WorkspaceKey, workspace: WorkspaceFiles): Promise<void> {
    const course = await this.store.courses.get(key.courseId);
    if (!course) throw errors.notFound(`no course ${key.courseId}`);
    const now = this.clock.now().toISOString();
    const exts = await this.store.extensions.list(key.courseId);
    // A group's workspace holds its assignment alone; a student's own workspace holds every assignment but those they do in a group.
    const group = parseGroupOwner(key.studentId);
    const grouped = group ? new Set<string>() : new Set((await this.store.groups.list(key.courseId)).filter((g) => g.members.includes(key.studentId)).map((g) => g.assignmentId));
    const open = (await this.store.assignments.list(key.courseId))
      .filter((a) => !a.opensAt || a.opensAt <= now)
      .filter((a) => (group ? a.id === group.assignmentId : !(a.groupMaxSize !== undefined && grouped.has(a.id))))
      .map((assignment) => ({ assignment, extension: exts.find((e) => e.assignmentId === assignment.id && e.studentId === key.studentId) }));
    await writeWorkspaceLayout(workspace, this.blobs, key.studentId, course, open, this.hubUrl());
  }

  /** Write the layout of the assignments open now (starting the workspace if needed); `brief`: the hub's own access, not activity. */
  async writeLayout(key: WorkspaceKey, options: { brief?: boolean } = {}): Promise<void> {
    await this.files.use(key, (workspace) => this.layoutInto(key, workspace), options.brief ? { brief: true } : {});
  }

  /**
   * Prepare and start a student's workspace; resolves once its agent is ready and its layout written.
   * `idleAfterMs`: started by the hub itself (pre-warming), not by someone who works in it: see
   * `WorkspaceProvider.ensureRunning`.
   */
  async open(key: WorkspaceKey, signal?: AbortSignal, options: { idleAfterMs?: number } = {}): Promise<AgentEndpoint> {
    const group = parseGroupOwner(key.studentId);
    if (group) {
      if (!(await this.store.groups.get(key.courseId, group.assignmentId, group.groupId))) {
        throw errors.notFound(`no group ${group.groupId} of ${group.assignmentId} in course ${key.courseId}`);
      }
    } else if ((await this.store.courses.roleIn(key.courseId, key.studentId)) !== 'student') {
      throw errors.notFound(`${key.studentId} is not a student of course ${key.courseId}`);
    }
    await this.provider.ensureCourse(key.courseId);
    let endpoint: AgentEndpoint;
    try {
      endpoint = await this.provider.ensureRunning(key, { ...(signal ? { signal } : {}), ...(options.idleAfterMs === undefined ? {} : { idleAfterMs: options.idleAfterMs }) });
    } catch (err) {
      throw errors.unavailable(`workspace ${workspaceIdOf(key)} did not start: ${(err as Error).message}`);
    }
    try {
      // Started by the hub itself (pre-warming): writing the layout is no one's activity either.
      await this.writeLayout(key, { brief: options.idleAfterMs !== undefined });
    } catch (err) {
      // A layout the agent refuses (say the student made `.classpod` a link) must not lock
      // them out of the workspace where they can repair it.
      this.logger?.warn('workspace layout not written', { workspaceId: workspaceIdOf(key), err });
    }
    return endpoint;
  }

  /** Refresh the layout of one student's workspace if it is running (the others get it when next opened). */
  async refreshStudent(key: WorkspaceKey): Promise<void> {
    await this.files.useIfRunning(key, (workspace) => this.layoutInto(key, workspace));
  }

  /** Refresh the layout of every running workspace of a course (an assignment changed). */
  async refreshCourse(courseId: string): Promise<void> {
    const owners = [
      ...(await this.store.courses.members(courseId, 'student')).map((s) => s.id),
      ...(await this.store.groups.list(courseId)).map((g) => groupOwnerId(g.assignmentId, g.id)),
    ];
    for (const studentId of owners) {
      const key = { courseId, studentId };
      try {
        await this.refreshStudent(key);
      } catch (err) {
        this.logger?.warn('workspace layout not refreshed', { workspaceId: workspaceIdOf(key), err });
      }
    }
  }
}
