// A course's settings and an assignment's dates in the store: what course
// administration from the API changes, each change in one transaction with
// its audit entry.

import { AuditRepository } from './audit-repository';
import { Repository } from './repository';

/** A course's settings as stored. */
export interface CourseSettingsRecord {
  courseId: string;
  title: string;
  officialSandboxes?: string[];
  idleStopSeconds?: number;
  /** Late days every student has (deadlines/late-days.ts). */
  lateDays?: number;
}

/** An assignment's dates and late policy. */
export interface AssignmentDates {
  opensAt?: string;
  dueAt?: string;
  cutoffAt?: string;
  penaltyPercentPerDay: number;
}

export class CourseSettingsRepository extends Repository {
  async get(courseId: string): Promise<CourseSettingsRecord | undefined> {
    const r = await this.db.selectFrom('courses').select(['id', 'title', 'official_sandboxes', 'idle_stop_seconds', 'late_days']).where('id', '=', courseId).executeTakeFirst();
    if (!r) return undefined;
    return {
      courseId: r.id,
      title: r.title,
      ...(r.official_sandboxes ? { officialSandboxes: r.official_sandboxes.split(',') } : {}),
      ...(r.idle_stop_seconds === null ? {} : { idleStopSeconds: Number(r.idle_stop_seconds) }),
      ...(r.late_days === null ? {} : { lateDays: Number(r.late_days) }),
    };
  }

  /** Create a course with its creator as professor; false when the id is taken. */
  async create(courseId: string, title: string, creatorId: string): Promise<boolean> {
    const at = this.iso();
    return this.inTransaction(async (ctx) => {
      const { db } = ctx;
      if (await db.selectFrom('courses').select('id').where('id', '=', courseId).executeTakeFirst()) return false;
      await db.insertInto('courses').values({ id: courseId, title, created_at: at }).execute();
      await db.insertInto('enrolments').values({ course_id: courseId, person_id: creatorId, role: 'professor', created_at: at }).execute();
      const audit = new AuditRepository(ctx);
      await audit.add({ actorId: creatorId, action: 'course.create', courseId, detail: JSON.stringify({ title }) });
      await audit.add({ actorId: creatorId, action: 'role.change', courseId, target: creatorId, detail: JSON.stringify({ from: null, to: 'professor', source: 'course.create' }) });
      return true;
    });
  }

  /** Change what `change` names (undefined: keep; null: back to the deployment's). */
  async update(courseId: string, actorId: string, change: { title?: string; officialSandboxes?: string[] | null; idleStopSeconds?: number | null; lateDays?: number | null }): Promise<void> {
    await this.inTransaction(async (ctx) => {
      const set = {
        ...(change.title !== undefined ? { title: change.title } : {}),
        ...(change.officialSandboxes !== undefined ? { official_sandboxes: change.officialSandboxes?.join(',') ?? null } : {}),
        ...(change.idleStopSeconds !== undefined ? { idle_stop_seconds: change.idleStopSeconds } : {}),
        ...(change.lateDays !== undefined ? { late_days: change.lateDays } : {}),
      };
      if (Object.keys(set).length > 0) await ctx.db.updateTable('courses').set(set).where('id', '=', courseId).execute();
      await new AuditRepository(ctx).add({ actorId, action: 'course.update', courseId, detail: JSON.stringify(change) });
    });
  }

  async assignmentDates(courseId: string, assignmentId: string): Promise<AssignmentDates | undefined> {
    const r = await this.db
      .selectFrom('assignments')
      .select(['opens_at', 'due_at', 'cutoff_at', 'penalty_per_day'])
      .where('course_id', '=', courseId)
      .where('id', '=', assignmentId)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      ...(r.opens_at ? { opensAt: r.opens_at } : {}),
      ...(r.due_at ? { dueAt: r.due_at } : {}),
      ...(r.cutoff_at ? { cutoffAt: r.cutoff_at } : {}),
      penaltyPercentPerDay: Number(r.penalty_per_day),
    };
  }

  async setAssignmentDates(courseId: string, assignmentId: string, actorId: string, dates: AssignmentDates): Promise<void> {
    await this.inTransaction(async (ctx) => {
      await ctx.db
        .updateTable('assignments')
        .set({ opens_at: dates.opensAt ?? null, due_at: dates.dueAt ?? null, cutoff_at: dates.cutoffAt ?? null, penalty_per_day: dates.penaltyPercentPerDay, updated_at: this.iso() })
        .where('course_id', '=', courseId)
        .where('id', '=', assignmentId)
        .execute();
      await new AuditRepository(ctx).add({ actorId, action: 'assignment.dates', courseId, target: assignmentId, detail: JSON.stringify(dates) });
    });
  }
}
