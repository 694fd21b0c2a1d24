// At an assignment's due time (each student's own, extension included) the
// hub collects a snapshot of every enrolled student who has not submitted:
// the last version of their assignment folder recorded at or before that due
// time (src/versions/), stamped with the due time it stands for. It reads
// the hub's own history only, so no workspace starts and no agent is asked.
// `collectDue()` does all the work that is due by the hub's clock and is safe to
// run any number of times: each student's deadline is recorded as processed
// together with its collected submission, in one transaction. It runs at start
// (deadlines that passed while the hub was down) and then on a timer.
// Late days (late-days.ts) do not delay collection: what is collected stands
// at the due time and spends none, and a student with late days left may
// still hand in later through submission intake; that later submission counts.

import { type Logger } from '@classpod/observability';
import { groupOwnerId } from '../groups/work-owner';
import { effectiveDeadline } from './late-policy';
import type { SubmissionIntake } from '../submissions/submission-intake';
import type { VersionRepository } from '../store/version-repository';
import { newId } from '../store/repository';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';

export interface CollectedDeadline {
  courseId: string;
  assignmentId: string;
  studentId: string;
  submissionId?: string;
  note?: string;
}

export class DeadlineCollector {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<CollectedDeadline[]> | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly versions: VersionRepository,
    private readonly intake: SubmissionIntake,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Longest pause between two looks at the clock (ms). */
    private readonly pollMs = 5_000,
  ) {}

  /** Changes still waiting to be recorded as versions are recorded before a course's assignment is collected. */
  private settle: (courseId: string, assignmentId: string) => Promise<void> = async () => undefined;

  /** Where pending versions are recorded before collecting (the hub's version watcher). */
  settleVersionsWith(settle: (courseId: string, assignmentId: string) => Promise<void>): void {
    this.settle = settle;
  }

  /** Process what is due now, then keep looking. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.collectDue();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.collectDue()
        .catch((err: Error) => this.logger.error('collecting at deadlines failed', { err }))
        .finally(() => this.schedule());
    }, this.pollMs);
    this.timer.unref();
  }

  /** Collect every deadline that has passed and was not processed yet (runs one at a time). */
  collectDue(): Promise<CollectedDeadline[]> {
    if (!this.running) {
      this.running = this.collectOnce().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async collectOnce(): Promise<CollectedDeadline[]> {
    const now = this.clock.now();
    const done: CollectedDeadline[] = [];
    for (const a of await this.store.assignments.list()) {
      if (!a.dueAt) continue;
      const exts = new Map((await this.store.extensions.list(a.courseId, a.id)).map((e) => [e.studentId, e]));
      const earliestDue = Math.min(Date.parse(a.dueAt), ...[...exts.values()].map((e) => Date.parse(e.dueAt)));
      if (earliestDue > now.getTime()) continue;
      const processed = await this.store.deadlines.collectedStudents(a.courseId, a.id);
      // A withdrawn student's work is not collected: they can no longer work in the course.
      const withdrawn = await this.store.rosters.withdrawnIn(a.courseId);
      // On a group assignment each group is collected once, from its workspace's history, under its work owner id; its members are not collected alone.
      const groups = a.groupMaxSize === undefined ? [] : await this.store.groups.list(a.courseId, a.id);
      const grouped = new Set(groups.flatMap((g) => g.members));
      const owners = [
        ...(await this.store.courses.members(a.courseId, 'student')).filter((s) => !grouped.has(s.id)).map((s) => s.id),
        ...groups.filter((g) => g.members.some((m) => !withdrawn.has(m))).map((g) => groupOwnerId(a.id, g.id)),
      ];
      const students = owners.filter((id) => !processed.has(id) && !withdrawn.has(id)).map((id) => ({ id }));
      if (students.length === 0) continue;
      // An edit synced just before the due time may still wait for its quiet time: record it first.
      await this.settle(a.courseId, a.id).catch((err: Error) => this.logger.warn('pending versions not recorded before collecting', { courseId: a.courseId, assignmentId: a.id, err }));
      const submitters = await this.store.submissions.submitters(a.courseId, a.id);
      for (const student of students) {
        const d = effectiveDeadline(a, exts.get(student.id));
        if (!d.dueAt || d.dueAt.getTime() > now.getTime()) continue;
        const key = { courseId: a.courseId, studentId: student.id };
        // Any submission counts, a late one made before this ran included: collect only those who handed in nothing.
        const submitted = submitters.has(student.id);
        const base = { courseId: a.courseId, assignmentId: a.id, studentId: student.id, dueAt: d.dueAt.toISOString() };
        if (submitted) {
          await this.store.deadlines.record({ ...base, note: 'the student had submitted' });
          continue;
        }
        // From the history the hub holds: no workspace starts and no agent is asked.
        const version = await this.versions.atOrBefore({ ...key, assignmentId: a.id }, base.dueAt);
        if (!version) {
          const note = 'no version of the assignment folder was recorded before the due time';
          await this.store.deadlines.record({ ...base, note });
          done.push({ ...base, note });
          continue;
        }
        const submission = {
          id: newId('s'),
          courseId: a.courseId,
          assignmentId: a.id,
          studentId: student.id,
          snapshotHash: version.manifestHash,
          // The due time it stands for, not the time this ran (which may be long after, when the hub was down).
          submittedAt: base.dueAt,
          source: 'collected' as const,
          late: false,
          penaltyPercent: 0,
          fileCount: version.fileCount,
          totalBytes: version.totalBytes,
        };
        const note = `version ${version.id} recorded at ${version.recordedAt}`;
        if (await this.store.deadlines.record({ ...base, submissionId: submission.id, note }, submission)) {
          this.logger.info('collected at the deadline', { ...base, submissionId: submission.id, versionId: version.id });
          await this.intake.announce({ ...submission, status: 'queued' });
          done.push({ ...base, submissionId: submission.id });
        }
      }
    }
    return done;
  }
}
