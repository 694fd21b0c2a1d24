// A course's settings and an assignment's dates in the store: what course
// administration from the API changes, each change in one transaction with
// its audit entry.

import { newId } from './store';
import type { SqlDriver, SqlRunner } from './sql-driver';

/** A course's settings as stored. */
export interface CourseSettingsRecord {
  courseId: string;
  title: string;
  officialSandboxes?: string[];
  idleStopSeconds?: number;
}

/** An assignment's dates and late policy. */
export interface AssignmentDates {
  opensAt?: string;
  dueAt?: string;
  cutoffAt?: string;
  penaltyPercentPerDay: number;
}

export class CourseSettingsRepository {
  constructor(
    private readonly db: SqlDriver,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(courseId: string, db: SqlRunner = this.db): Promise<CourseSettingsRecord | undefined> {
    const r = await db.get<{ id: string; title: string; official_sandboxes: string | null; idle_stop_seconds: number | null }>(
      'SELECT id, title, official_sandboxes, idle_stop_seconds FROM courses WHERE id = ?',
      [courseId],
    );
    if (!r) return undefined;
    return {
      courseId: String(r.id),
      title: String(r.title),
      ...(r.official_sandboxes ? { officialSandboxes: String(r.official_sandboxes).split(',') } : {}),
      ...(r.idle_stop_seconds === null || r.idle_stop_seconds === undefined ? {} : { idleStopSeconds: Number(r.idle_stop_seconds) }),
    };
  }

  /** Create a course with its creator as professor; false when the id is taken. */
  async create(courseId: string, title: string, creatorId: string): Promise<boolean> {
    const at = this.now().toISOString();
    return this.db.transaction(async (tx) => {
      if (await tx.get('SELECT id FROM courses WHERE id = ?', [courseId])) return false;
      await tx.run('INSERT INTO courses (id, title, created_at) VALUES (?, ?, ?)', [courseId, title, at]);
      await tx.run('INSERT INTO enrolments (course_id, person_id, role, created_at) VALUES (?, ?, ?, ?)', [courseId, creatorId, 'professor', at]);
      await this.auditIn(tx, creatorId, 'course.create', courseId, { title }, at);
      await this.auditIn(tx, creatorId, 'role.change', courseId, { from: null, to: 'professor', source: 'course.create' }, at, creatorId);
      return true;
    });
  }

  /** Change what `change` names (undefined: keep; null: back to the deployment's). */
  async update(courseId: string, actorId: string, change: { title?: string; officialSandboxes?: string[] | null; idleStopSeconds?: number | null }): Promise<void> {
    const at = this.now().toISOString();
    await this.db.transaction(async (tx) => {
      if (change.title !== undefined) await tx.run('UPDATE courses SET title = ? WHERE id = ?', [change.title, courseId]);
      if (change.officialSandboxes !== undefined) await tx.run('UPDATE courses SET official_sandboxes = ? WHERE id = ?', [change.officialSandboxes?.join(',') ?? null, courseId]);
      if (change.idleStopSeconds !== undefined) await tx.run('UPDATE courses SET idle_stop_seconds = ? WHERE id = ?', [change.idleStopSeconds, courseId]);
      await this.auditIn(tx, actorId, 'course.update', courseId, change, at);
    });
  }

  async assignmentDates(courseId: string, assignmentId: string): Promise<AssignmentDates | undefined> {
    const r = await this.db.get<{ opens_at: string | null; due_at: string | null; cutoff_at: string | null; penalty_per_day: number }>(
      'SELECT opens_at, due_at, cutoff_at, penalty_per_day FROM assignments WHERE course_id = ? AND id = ?',
      [courseId, assignmentId],
    );
    if (!r) return undefined;
    return {
      ...(r.opens_at ? { opensAt: r.opens_at } : {}),
      ...(r.due_at ? { dueAt: r.due_at } : {}),
      ...(r.cutoff_at ? { cutoffAt: r.cutoff_at } : {}),
      penaltyPercentPerDay: Number(r.penalty_per_day),
    };
  }

  async setAssignmentDates(courseId: string, assignmentId: string, actorId: string, dates: AssignmentDates): Promise<void> {
    const at = this.now().toISOString();
    await this.db.transaction(async (tx) => {
      await tx.run('UPDATE assignments SET opens_at = ?, due_at = ?, cutoff_at = ?, penalty_per_day = ?, updated_at = ? WHERE course_id = ? AND id = ?', [
        dates.opensAt ?? null,
        dates.dueAt ?? null,
        dates.cutoffAt ?? null,
        dates.penaltyPercentPerDay,
        at,
        courseId,
        assignmentId,
      ]);
      await this.auditIn(tx, actorId, 'assignment.dates', courseId, dates, at, assignmentId);
    });
  }

  private async auditIn(tx: SqlRunner, actorId: string, action: string, courseId: string, detail: unknown, at: string, target?: string): Promise<void> {
    await tx.run('INSERT INTO audit (id, at, actor_id, action, course_id, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?)', [newId('a'), at, actorId, action, courseId, target ?? null, JSON.stringify(detail)]);
  }
}
