// At an assignment's due time (each student's own, extension included) the
// hub collects a snapshot of every enrolled student who has not submitted.
// `collectDue()` does all the work that is due by the hub's clock and is safe to
// run any number of times: each student's deadline is recorded as processed
// together with its collected submission, in one transaction. It runs at start
// (deadlines that passed while the hub was down) and then on a timer.

import { ProtocolError } from '@classpod/protocol';
import { type Logger } from '@classpod/observability';
import { effectiveDeadline } from './late-policy';
import type { SubmissionIntake } from '../submissions/submission-intake';
import type { BlobStore } from '../blobs/blob-store';
import { newId, type Store } from '../store/store';
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
    private readonly blobs: BlobStore,
    private readonly intake: SubmissionIntake,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Longest pause between two looks at the clock (ms). */
    private readonly pollMs = 5_000,
  ) {}

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
    for (const a of await this.store.listAssignments()) {
      if (!a.dueAt) continue;
      const exts = new Map((await this.store.extensionsOf(a.courseId, a.id)).map((e) => [e.studentId, e]));
      const earliestDue = Math.min(Date.parse(a.dueAt), ...[...exts.values()].map((e) => Date.parse(e.dueAt)));
      if (earliestDue > now.getTime()) continue;
      const processed = await this.store.collectedStudents(a.courseId, a.id);
      const students = (await this.store.members(a.courseId, 'student')).filter((s) => !processed.has(s.id));
      if (students.length === 0) continue;
      const submitters = await this.store.submitters(a.courseId, a.id);
      for (const student of students) {
        const d = effectiveDeadline(a, exts.get(student.id));
        if (!d.dueAt || d.dueAt.getTime() > now.getTime()) continue;
        const key = { courseId: a.courseId, studentId: student.id };
        // Any submission counts, a late one made before this ran included: collect only those who handed in nothing.
        const submitted = submitters.has(student.id);
        const base = { courseId: a.courseId, assignmentId: a.id, studentId: student.id, dueAt: d.dueAt.toISOString() };
        if (submitted) {
          await this.store.recordCollection({ ...base, note: 'the student had submitted' });
          continue;
        }
        let files;
        try {
          files = await this.intake.readFolder(key, a.id, { brief: true });
        } catch (err) {
          const refused = err instanceof ProtocolError && !ProtocolError.is(err, 'Unavailable');
          if (refused) {
            // The agent refused the folder (a link leaving the workspace, over the limits): that will not change by retrying.
            const note = `the assignment folder could not be collected: ${(err as Error).message}`.slice(0, 500);
            this.logger.warn('assignment folder refused at its deadline', { ...base, err });
            await this.store.recordCollection({ ...base, note });
            done.push({ ...base, note });
            continue;
          }
          this.logger.error('cannot read a workspace at its deadline; will retry', { ...base, err });
          continue;
        }
        if (!files) {
          await this.store.recordCollection({ ...base, note: 'no assignment folder in the workspace' });
          done.push({ ...base, note: 'no assignment folder in the workspace' });
          continue;
        }
        const snap = await this.blobs.putFolder(files);
        const submission = {
          id: newId('s'),
          courseId: a.courseId,
          assignmentId: a.id,
          studentId: student.id,
          snapshotHash: snap.hash,
          submittedAt: now.toISOString(),
          source: 'collected' as const,
          late: false,
          penaltyPercent: 0,
          fileCount: snap.manifest.length,
          totalBytes: snap.totalBytes,
        };
        if (await this.store.recordCollection({ ...base, submissionId: submission.id }, submission)) {
          this.logger.info('collected at the deadline', { ...base, submissionId: submission.id });
          await this.intake.announce({ ...submission, status: 'queued' });
          done.push({ ...base, submissionId: submission.id });
        }
      }
    }
    return done;
  }
}
