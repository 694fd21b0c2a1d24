// Deadline collections: that a student's deadline for an assignment was
// processed, and which submission it collected (if any). Recorded exactly
// once, with the collected submission in the same transaction.

import type { DeadlineCollection, Submission } from './records';
import { Repository } from './repository';
import { nul, opt } from './rows';
import { SubmissionRepository } from './submission-repository';

export class DeadlineRepository extends Repository {
  async collection(courseId: string, assignmentId: string, studentId: string): Promise<DeadlineCollection | undefined> {
    const r = await this.db
      .selectFrom('deadline_collections')
      .selectAll()
      .where('course_id', '=', courseId)
      .where('assignment_id', '=', assignmentId)
      .where('student_id', '=', studentId)
      .executeTakeFirst();
    return r ? { courseId, assignmentId, studentId, dueAt: r.due_at, processedAt: r.processed_at, submissionId: opt(r.submission_id), note: opt(r.note) } : undefined;
  }

  /** Students whose deadline for this assignment was processed already. */
  async collectedStudents(courseId: string, assignmentId: string): Promise<Set<string>> {
    const rows = await this.db.selectFrom('deadline_collections').select('student_id').where('course_id', '=', courseId).where('assignment_id', '=', assignmentId).execute();
    return new Set(rows.map((r) => r.student_id));
  }

  /**
   * Record that a student's deadline was processed, together with the collected
   * submission (if any), in one transaction; false when another process did it first.
   */
  async record(c: Omit<DeadlineCollection, 'processedAt'>, submission?: Omit<Submission, 'status'>): Promise<boolean> {
    try {
      return await this.inTransaction(async (ctx) => {
        const already = await ctx.db
          .selectFrom('deadline_collections')
          .select('student_id')
          .where('course_id', '=', c.courseId)
          .where('assignment_id', '=', c.assignmentId)
          .where('student_id', '=', c.studentId)
          .executeTakeFirst();
        if (already) return false;
        await ctx.db
          .insertInto('deadline_collections')
          .values({
            course_id: c.courseId,
            assignment_id: c.assignmentId,
            student_id: c.studentId,
            due_at: c.dueAt,
            processed_at: this.iso(),
            submission_id: nul(c.submissionId),
            note: nul(c.note),
          })
          .execute();
        if (submission) await new SubmissionRepository(ctx).add(submission);
        return true;
      });
    } catch (err) {
      // A concurrent insert of the same key (primary key violation) means someone else collected it.
      if (!this.db.isTransaction && (await this.collection(c.courseId, c.assignmentId, c.studentId))) return false;
      throw err;
    }
  }
}
