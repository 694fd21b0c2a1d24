// Late-day tokens in the store: a course's grant to every student, and the
// extra days staff gave one student (each grant a row with its audit entry,
// written in one transaction). What submissions spent is computed from the
// submissions themselves (deadlines/late-days.ts), never kept as a balance.

import { AuditRepository } from './audit-repository';
import { newId, Repository } from './repository';

/** Extra late days staff gave one student. */
export interface LateDayGrant {
  id: string;
  courseId: string;
  studentId: string;
  days: number;
  comment?: string;
  grantedBy: string;
  at: string;
}

export class LateDayRepository extends Repository {
  /** Late days every student of the course has (0 when the course grants none). */
  async courseDays(courseId: string): Promise<number> {
    const r = await this.db.selectFrom('courses').select('late_days').where('id', '=', courseId).executeTakeFirst();
    return r?.late_days === null || r?.late_days === undefined ? 0 : Number(r.late_days);
  }

  /** Set the course's grant (null: none). Not audited here: course settings audit their own change. */
  async setCourseDays(courseId: string, days: number | null): Promise<void> {
    await this.db.updateTable('courses').set({ late_days: days }).where('id', '=', courseId).execute();
  }

  /** Give a student extra late days, audit-logged as lateDays.grant. */
  async grant(g: Omit<LateDayGrant, 'id' | 'at'>): Promise<LateDayGrant> {
    const grant: LateDayGrant = { ...g, id: newId('ld'), at: this.iso() };
    await this.inTransaction(async (ctx) => {
      await ctx.db
        .insertInto('late_day_grants')
        .values({ id: grant.id, course_id: g.courseId, student_id: g.studentId, days: g.days, comment: g.comment ?? null, granted_by: g.grantedBy, created_at: grant.at })
        .execute();
      await new AuditRepository(ctx).add({ actorId: g.grantedBy, action: 'lateDays.grant', courseId: g.courseId, target: g.studentId, detail: JSON.stringify({ days: g.days, ...(g.comment ? { comment: g.comment } : {}) }) });
    });
    return grant;
  }

  /** Extra days granted in a course, summed by student id. */
  async grantedByStudent(courseId: string, studentId?: string): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('late_day_grants')
      .select(['student_id', 'days'])
      .where('course_id', '=', courseId)
      .$if(studentId !== undefined, (q) => q.where('student_id', '=', studentId!))
      .execute();
    const sums = new Map<string, number>();
    for (const r of rows) sums.set(r.student_id, (sums.get(r.student_id) ?? 0) + Number(r.days));
    return sums;
  }
}
