// Taking submissions: snapshot a student's assignment folder from their
// workspace into the blob store, judge lateness by the hub's clock, store the
// submission with its grading job, and tell connected clients. Used when a
// student submits and when the deadline collects.

import { errors, SubmissionAddedNotification } from '@classpod/protocol';
import type { BlobStore, FolderFileData } from '../blobs/blob-store';
import { effectiveDeadline, judgeLateness } from '../deadlines/late-policy';
import type { EventHub } from '../events/event-hub';
import type { Assignment, Submission } from '../store/records';
import { newId, type Store } from '../store/store';
import type { Clock } from '../time/clock';
import type { WorkspaceFileAccess, WorkspaceKey } from '../workspaces/workspace-provider';
import { submissionView } from '../api/views';

/** What a snapshot leaves out: the hub's own files and sync state. */
export const SNAPSHOT_SKIP = ['.classpod', '.classpod-sync', '.git'] as const;

export interface SnapshotLimits {
  maxFiles: number;
  maxBytes: number;
}

export class SubmissionIntake {
  /** Called after a submission is stored (the grading queue wakes its waiting workers). */
  onQueued: () => void = () => undefined;

  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    /** The provider's own file access, or access through the agents. */
    private readonly files: WorkspaceFileAccess,
    private readonly events: EventHub,
    private readonly clock: Clock,
    private readonly limits: SnapshotLimits = { maxFiles: 2000, maxBytes: 20 * 1024 * 1024 },
  ) {}

  /** The files of a student's assignment folder, or undefined when the folder does not exist. */
  async readFolder(key: WorkspaceKey, assignmentId: string): Promise<FolderFileData[] | undefined> {
    const access = this.files;
    if (!(await access.exists(key, assignmentId))) return undefined;
    try {
      return await access.readTree(key, assignmentId, { ...this.limits, skipNames: SNAPSHOT_SKIP });
    } catch (err) {
      if ((err as { code?: string }).code === 'too-large') throw errors.tooLarge((err as Error).message);
      throw err;
    }
  }

  /** A student submits: refused before opening and after the cut-off, late with a penalty in between. */
  async submit(a: Assignment, studentId: string): Promise<Submission> {
    const at = this.clock.now();
    const ext = await this.store.extension(a.courseId, a.id, studentId);
    const verdict = judgeLateness(a, effectiveDeadline(a, ext), at);
    if (verdict.kind === 'refused') throw errors.forbidden(verdict.reason);
    const files = await this.readFolder({ courseId: a.courseId, studentId }, a.id);
    if (!files) throw errors.notFound(`your workspace has no folder ${a.id}/ to submit; open the assignment first`);
    const snap = await this.blobs.putFolder(files);
    const submission = await this.store.addSubmission({
      id: newId('s'),
      courseId: a.courseId,
      assignmentId: a.id,
      studentId,
      snapshotHash: snap.hash,
      submittedAt: at.toISOString(),
      source: 'submitted',
      late: verdict.kind === 'late',
      penaltyPercent: verdict.kind === 'late' ? verdict.penaltyPercent : 0,
      fileCount: snap.manifest.length,
      totalBytes: snap.totalBytes,
    });
    await this.announce(submission);
    return submission;
  }

  /** Tell connected clients and wake waiting workers. */
  async announce(s: Submission): Promise<void> {
    this.onQueued();
    await this.events.publish(SubmissionAddedNotification.type, { submission: submissionView(s) }, { courseId: s.courseId, studentId: s.studentId });
  }
}
