// Opening a student's workspace: check the student is enrolled, bring its
// `.classpod/` layout up to date (when the provider gives file access), and
// have the provider start it. Used by the gateway and by `workspaces/start`.

import { errors } from '@classpod/protocol';
import type { BlobStore } from '../blobs/blob-store';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';
import { writeWorkspaceLayout } from './workspace-layout';
import type { AgentEndpoint, WorkspaceFileAccess, WorkspaceKey, WorkspaceProvider } from './workspace-provider';

export class WorkspaceOpener {
  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly provider: WorkspaceProvider,
    /** The provider's own file access, or access through the agents. */
    private readonly files: WorkspaceFileAccess,
    private readonly clock: Clock,
    private readonly hubUrl: () => string | undefined,
  ) {}

  /** Write the layout of the assignments open now. */
  async writeLayout(key: WorkspaceKey): Promise<void> {
    const access = this.files;
    const course = await this.store.getCourse(key.courseId);
    if (!course) throw errors.notFound(`no course ${key.courseId}`);
    const now = this.clock.now().toISOString();
    const exts = await this.store.extensionsOf(key.courseId);
    const open = (await this.store.listAssignments(key.courseId))
      .filter((a) => !a.opensAt || a.opensAt <= now)
      .map((assignment) => ({ assignment, extension: exts.find((e) => e.assignmentId === assignment.id && e.studentId === key.studentId) }));
    await writeWorkspaceLayout(access, this.blobs, key, course, open, this.hubUrl());
  }

  /** Prepare and start a student's workspace; resolves once its agent is ready. */
  async open(key: WorkspaceKey, signal?: AbortSignal): Promise<AgentEndpoint> {
    if ((await this.store.roleIn(key.courseId, key.studentId)) !== 'student') {
      throw errors.notFound(`${key.studentId} is not a student of course ${key.courseId}`);
    }
    await this.provider.ensureCourse(key.courseId);
    await this.writeLayout(key);
    try {
      return await this.provider.ensureRunning(key, signal ? { signal } : {});
    } catch (err) {
      throw errors.unavailable(`workspace ${key.courseId}--${key.studentId} did not start: ${(err as Error).message}`);
    }
  }

  /** Refresh the layout of every student of a course (an assignment changed); only with direct file access (no workspace is started for it). */
  async refreshCourse(courseId: string): Promise<void> {
    if (!this.provider.files) return;
    for (const s of await this.store.members(courseId, 'student')) {
      const key = { courseId, studentId: s.id };
      // Only workspaces that exist already; the others get their layout when first opened.
      if (await this.provider.files.exists(key, '.classpod')) await this.writeLayout(key);
    }
  }
}
