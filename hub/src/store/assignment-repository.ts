// Assignments of a course: their texts, dates, late policy, grading
// specification and the manifests of the files students start from.

import type { Assignment } from './records';
import { Repository } from './repository';
import { assignmentOf, nul } from './rows';

export class AssignmentRepository extends Repository {
  /** Insert or replace; resolves to true when it was new. */
  async upsert(a: Omit<Assignment, 'createdAt' | 'updatedAt'>): Promise<boolean> {
    return this.inTransaction(async ({ db }) => {
      const existing = await db.selectFrom('assignments').select('id').where('course_id', '=', a.courseId).where('id', '=', a.id).executeTakeFirst();
      const values = {
        title: a.title,
        description: a.description,
        opens_at: nul(a.opensAt),
        due_at: nul(a.dueAt),
        penalty_per_day: a.penaltyPercentPerDay,
        cutoff_at: nul(a.cutoffAt),
        spec_json: a.specJson,
        public_spec_json: a.publicSpecJson,
        starter_manifest: JSON.stringify(a.starterManifest),
        public_files_manifest: JSON.stringify(a.publicFilesManifest),
        max_score: a.maxScore,
        show_hidden_names: a.showHiddenNames ? 1 : 0,
        bonus_points: a.bonusPoints ?? 0,
        max_late_days: nul(a.maxLateDays),
        reveal_hidden_after_deadline: a.revealHiddenAfterDeadline ? 1 : 0,
        max_attempts: nul(a.maxAttempts),
        min_interval_seconds: nul(a.minIntervalSeconds),
        group_max_size: nul(a.groupMaxSize),
        updated_at: this.iso(),
      };
      if (existing) {
        await db.updateTable('assignments').set(values).where('course_id', '=', a.courseId).where('id', '=', a.id).execute();
        return false;
      }
      await db.insertInto('assignments').values({ ...values, created_at: this.iso(), course_id: a.courseId, id: a.id }).execute();
      return true;
    });
  }

  async get(courseId: string, id: string): Promise<Assignment | undefined> {
    const r = await this.db.selectFrom('assignments').selectAll().where('course_id', '=', courseId).where('id', '=', id).executeTakeFirst();
    return r ? assignmentOf(r) : undefined;
  }

  /** A course's assignments (every course's when none is named), by due date. */
  async list(courseId?: string): Promise<Assignment[]> {
    const rows = await this.db
      .selectFrom('assignments')
      .selectAll()
      .$if(courseId !== undefined, (q) => q.where('course_id', '=', courseId!))
      .$if(courseId === undefined, (q) => q.orderBy('course_id'))
      .orderBy('due_at')
      .orderBy('id')
      .execute();
    return rows.map(assignmentOf);
  }
}
