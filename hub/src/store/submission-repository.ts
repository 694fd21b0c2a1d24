// Submissions: a snapshot a student handed in (or the deadline collected),
// with its lateness, grading status, score and a professor's override. Adding
// one queues its grading job in the same transaction.

import { sql } from 'kysely';
import { GradingJobRepository } from './grading-job-repository';
import type { Submission } from './records';
import { Repository } from './repository';
import { submissionOf } from './rows';

/** Filters of `list`. */
export interface SubmissionFilter {
  courseId: string;
  assignmentId?: string;
  studentId?: string;
  /** Any of these students or work owners (none: nobody). */
  studentIds?: readonly string[];
}

export class SubmissionRepository extends Repository {
  /** Store a submission and queue its grading job in one transaction. */
  async add(s: Omit<Submission, 'status'>): Promise<Submission> {
    await this.inTransaction(async (ctx) => {
      await ctx.db
        .insertInto('submissions')
        .values({
          id: s.id,
          course_id: s.courseId,
          assignment_id: s.assignmentId,
          student_id: s.studentId,
          snapshot_hash: s.snapshotHash,
          submitted_at: s.submittedAt,
          source: s.source,
          late: s.late ? 1 : 0,
          penalty_percent: s.penaltyPercent,
          late_days_used: s.lateDaysUsed ?? 0,
          file_count: s.fileCount,
          total_bytes: s.totalBytes,
          status: 'queued',
        })
        .execute();
      await new GradingJobRepository(ctx).enqueue(s.id);
    });
    return { ...s, status: 'queued' };
  }

  /** Queue grading again for these submissions. */
  async requeue(submissionIds: string[]): Promise<void> {
    await this.inTransaction(async (ctx) => {
      const jobs = new GradingJobRepository(ctx);
      for (const id of submissionIds) {
        await jobs.enqueue(id);
        await ctx.db.updateTable('submissions').set({ status: 'queued' }).where('id', '=', id).execute();
      }
    });
  }

  async get(id: string): Promise<Submission | undefined> {
    const r = await this.db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? submissionOf(r) : undefined;
  }

  /** Newest first. */
  async list(f: SubmissionFilter): Promise<Submission[]> {
    const rows = await this.db
      .selectFrom('submissions')
      .selectAll()
      .where('course_id', '=', f.courseId)
      .$if(Boolean(f.assignmentId), (q) => q.where('assignment_id', '=', f.assignmentId!))
      .$if(Boolean(f.studentId), (q) => q.where('student_id', '=', f.studentId!))
      .$if(f.studentIds !== undefined, (q) => (f.studentIds!.length ? q.where('student_id', 'in', [...f.studentIds!]) : q.where(sql<boolean>`false`)))
      .orderBy('submitted_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(submissionOf);
  }

  async latest(courseId: string, assignmentId: string, studentId: string): Promise<Submission | undefined> {
    return (await this.list({ courseId, assignmentId, studentId }))[0];
  }

  /** Students who have at least one submission for this assignment. */
  async submitters(courseId: string, assignmentId: string): Promise<Set<string>> {
    const rows = await this.db.selectFrom('submissions').select('student_id').distinct().where('course_id', '=', courseId).where('assignment_id', '=', assignmentId).execute();
    return new Set(rows.map((r) => r.student_id));
  }

  /** Record a submission's lateness judged again (deadlines/lateness-review.ts). */
  async setLateness(submissionId: string, l: { late: boolean; penaltyPercent: number; lateDaysUsed: number }): Promise<void> {
    await this.db
      .updateTable('submissions')
      .set({ late: l.late ? 1 : 0, penalty_percent: l.penaltyPercent, late_days_used: l.lateDaysUsed })
      .where('id', '=', submissionId)
      .execute();
  }

  /** Set (or, with undefined, remove) a professor's override of the score. */
  async setOverride(submissionId: string, o: { score: number; comment: string; authorId: string } | undefined): Promise<void> {
    await this.db
      .updateTable('submissions')
      .set(
        o
          ? { override_score: o.score, override_comment: o.comment, override_author: o.authorId, override_at: this.iso() }
          : { override_score: null, override_comment: null, override_author: null, override_at: null },
      )
      .where('id', '=', submissionId)
      .execute();
  }
}
