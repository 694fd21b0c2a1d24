// Taking submissions: snapshot a student's assignment folder from their
// workspace (through its agent, which refuses links that leave it) into the
// blob store, judge lateness by the hub's clock, store the submission with
// its grading job, and tell connected clients. Used when a student submits
// and when the deadline collects.

import { errors, SubmissionAddedNotification } from '@classpod/protocol';
import { isSyncOwnName, VERSION_CONTROL_DIRS } from '@classpod/sync';
import type { BlobStore, FolderFileData } from '../blobs/blob-store';
import { sha256Hex } from '../blobs/blob-store';
import { lateDayAccounts } from '../deadlines/late-day-accounts';
import { judgeWithLateDays } from '../deadlines/late-days';
import { reviewAndAnnounceLateness } from '../deadlines/lateness-review';
import { effectiveDeadline } from '../deadlines/late-policy';
import { judgeAttempt } from './attempt-policy';
import type { EventHub } from '../events/event-hub';
import type { Assignment, AttemptCounter, Submission } from '../store/records';
import { newId } from '../store/repository';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';
import type { WorkspaceFileAccess, WorkspaceFiles } from '../workspaces/agent-file-access';
import type { WorkspaceKey } from '../workspaces/workspace-provider';
import { submissionView } from '../api/views';

/**
 * Whether a snapshot leaves out a name, wherever it appears: the hub's own
 * `.classpod/`, version control (`VERSION_CONTROL_DIRS` of @classpod/sync,
 * which sync does not carry either), and everything sync keeps for itself
 * (its state folder, temporary files a killed write left, case probes).
 */
export function snapshotSkips(name: string): boolean {
  return name === '.classpod' || VERSION_CONTROL_DIRS.includes(name) || isSyncOwnName(name);
}

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
    /** Access to workspace files (through their agents). */
    readonly files: WorkspaceFileAccess,
    private readonly events: EventHub,
    private readonly clock: Clock,
    readonly limits: SnapshotLimits = { maxFiles: 2000, maxBytes: 20 * 1024 * 1024 },
  ) {}

  /** The assignment folder's files over a connection to the workspace, or undefined when there is no such folder. */
  private async snapshot(workspace: WorkspaceFiles, assignmentId: string): Promise<FolderFileData[] | undefined> {
    if (!(await workspace.exists(assignmentId))) return undefined;
    return workspace.readTree(assignmentId, { ...this.limits, skips: snapshotSkips });
  }

  /**
   * The files of a student's assignment folder, or undefined when the folder
   * (or the whole workspace) does not exist. `brief`: a workspace started for
   * this is stopped again soon (the deadline collects from everyone).
   */
  async readFolder(key: WorkspaceKey, assignmentId: string, options: { brief?: boolean } = {}): Promise<FolderFileData[] | undefined> {
    if (!(await this.files.exists(key))) return undefined;
    return this.files.use(key, (workspace) => this.snapshot(workspace, assignmentId), options);
  }

  /**
   * Whether a student's assignment folder holds anything but the untouched
   * starter files. Only for a running workspace: listing assignments starts none.
   */
  async changedFromStarter(a: Assignment, studentId: string): Promise<boolean> {
    try {
      const files = await this.files.useIfRunning({ courseId: a.courseId, studentId }, (workspace) => this.snapshot(workspace, a.id));
      if (!files) return false;
      const starter = new Map(a.starterManifest.map((e) => [e.path, e.sha256]));
      return files.length !== starter.size || files.some((f) => starter.get(f.path) !== sha256Hex(f.content));
    } catch {
      return true;
    }
  }

  /**
   * A student submits: refused before opening and after the cut-off (moved by
   * the late days the assignment may use), late in between, the late-day
   * tokens spent first and the penalty for the days beyond (deadlines/late-days.ts;
   * `studentId` a group's work owner id: the least its members have left).
   * Refused beyond the assignment's attempt limit or sooner than its minimum
   * interval (checked before the snapshot, and counted by compare-and-set in
   * the transaction that stores it).
   */
  async submit(a: Assignment, studentId: string): Promise<Submission> {
    const at = this.clock.now();
    const ext = await this.store.extensions.get(a.courseId, a.id, studentId);
    // What the other assignments' counting submissions (all made before now) left: a group's
    // work owner id answers with the least any member has left.
    const account = (await lateDayAccounts(this.store, a.courseId, { studentId, except: a.id })).get(studentId);
    const total = account?.total ?? 0;
    const remaining = account ? (account.group ? account.remaining : total - account.used) : 0;
    const verdict = judgeWithLateDays(a, effectiveDeadline(a, ext), at, remaining, total, account?.group);
    if (verdict.kind === 'refused') throw errors.forbidden(verdict.reason);
    const attemptKey = { courseId: a.courseId, assignmentId: a.id, studentId };
    refuseBeyondLimits(a, await this.store.attempts.get(attemptKey), at);
    const files = await this.readFolder({ courseId: a.courseId, studentId }, a.id);
    if (!files) throw errors.notFound(`your workspace has no folder ${a.id}/ to submit; open the assignment first`);
    const snap = await this.blobs.putFolder(files);
    const submission = await this.store.transaction(async (tx) => {
      const taken = await tx.attempts.take(attemptKey, at.toISOString(), (c) => judgeAttempt(a, c, at));
      if ('refusal' in taken) throw errors.submissionLimit(taken.refusal.message, taken.refusal.data);
      return tx.submissions.add({
        id: newId('s'),
        courseId: a.courseId,
        assignmentId: a.id,
        studentId,
        snapshotHash: snap.hash,
        submittedAt: at.toISOString(),
        source: 'submitted',
        late: verdict.kind === 'late',
        penaltyPercent: verdict.penaltyPercent,
        lateDaysUsed: verdict.lateDaysUsed,
        fileCount: snap.manifest.length,
        totalBytes: snap.totalBytes,
      });
    });
    await this.announce(submission);
    // A new counting submission may change which of the student's (or the group's members') late work spends tokens first.
    await reviewAndAnnounceLateness(this.store, this.events, a.courseId, { studentId });
    return submission;
  }

  /** Tell connected clients and wake waiting workers. */
  async announce(s: Submission): Promise<void> {
    this.onQueued();
    await this.events.publish(SubmissionAddedNotification.type, { submission: submissionView(s) }, { courseId: s.courseId, studentId: s.studentId });
  }
}

/** Refuse (error `SubmissionLimit`) when the assignment's limits allow no official submission at `at`. */
function refuseBeyondLimits(a: Assignment, c: AttemptCounter, at: Date): void {
  const refusal = judgeAttempt(a, c, at);
  if (refusal) throw errors.submissionLimit(refusal.message, refusal.data);
}
