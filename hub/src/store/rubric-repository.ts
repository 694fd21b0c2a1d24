// Rubrics: an assignment's items (points and a description, in order) and
// the items applied to each submission. A submission keeps the sum of its
// applied items' points (`submissions.rubric_points`, null when none is), so
// every reader of a score (results, gradebook, export, events) has it with
// the submission; every write here that changes what is applied, or what an
// applied item is worth, recomputes that sum in the same transaction.

import { Repository } from './repository';

/** One item of a rubric. */
export interface RubricItemRecord {
  id: string;
  points: number;
  description: string;
}

/** An item applied to a submission. */
export interface RubricApplication {
  submissionId: string;
  itemId: string;
  appliedBy: string;
  appliedAt: string;
}

/** What an assignment is: its course and id. */
export interface AssignmentKey {
  courseId: string;
  assignmentId: string;
}

export class RubricRepository extends Repository {
  /** An assignment's rubric, in order. */
  async items(k: AssignmentKey): Promise<RubricItemRecord[]> {
    const rows = await this.db
      .selectFrom('rubric_items')
      .selectAll()
      .where('course_id', '=', k.courseId)
      .where('assignment_id', '=', k.assignmentId)
      .orderBy('position')
      .execute();
    return rows.map((r) => ({ id: r.id, points: Number(r.points), description: r.description }));
  }

  /** How many submissions each item of an assignment's rubric is applied to (items applied to none are absent). */
  async appliedCounts(k: AssignmentKey): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('rubric_applications')
      .select((eb) => ['item_id', eb.fn.countAll<number | string | bigint>().as('n')])
      .where('course_id', '=', k.courseId)
      .where('assignment_id', '=', k.assignmentId)
      .groupBy('item_id')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.item_id, Number(r.n)]));
  }

  /**
   * Replace an assignment's rubric. Applications of removed items go; the
   * submissions whose sum changed are recomputed. Resolves to their ids.
   */
  async replace(k: AssignmentKey, items: RubricItemRecord[]): Promise<string[]> {
    return this.inTransaction(async (ctx) => {
      const repo = new RubricRepository(ctx);
      const before = new Map((await repo.items(k)).map((i) => [i.id, i.points]));
      const after = new Map(items.map((i) => [i.id, i.points]));
      const changed = [...before.keys()].filter((id) => after.get(id) !== before.get(id));
      const affected = changed.length === 0 ? [] : await repo.submissionsApplying(k, changed);
      await ctx.db.deleteFrom('rubric_items').where('course_id', '=', k.courseId).where('assignment_id', '=', k.assignmentId).execute();
      if (items.length > 0) {
        await ctx.db
          .insertInto('rubric_items')
          .values(items.map((i, position) => ({ course_id: k.courseId, assignment_id: k.assignmentId, id: i.id, points: i.points, description: i.description, position })))
          .execute();
      }
      const removed = [...before.keys()].filter((id) => !after.has(id));
      if (removed.length > 0) {
        await ctx.db
          .deleteFrom('rubric_applications')
          .where('course_id', '=', k.courseId)
          .where('assignment_id', '=', k.assignmentId)
          .where('item_id', 'in', removed)
          .execute();
      }
      for (const id of affected) await repo.recompute(id);
      return affected;
    });
  }

  /** The items applied to a submission, oldest application first. */
  async applied(submissionId: string): Promise<RubricApplication[]> {
    const rows = await this.db.selectFrom('rubric_applications').selectAll().where('submission_id', '=', submissionId).orderBy('applied_at').orderBy('item_id').execute();
    return rows.map((r) => ({ submissionId: r.submission_id, itemId: r.item_id, appliedBy: r.applied_by, appliedAt: r.applied_at }));
  }

  /**
   * Apply and unapply items (ids of the submission's assignment's rubric, checked by
   * the caller) and recompute the submission's sum. Resolves to what changed.
   */
  async apply(
    s: { id: string; courseId: string; assignmentId: string },
    apply: string[],
    unapply: string[],
    by: string,
  ): Promise<{ applied: string[]; unapplied: string[] }> {
    return this.inTransaction(async (ctx) => {
      const repo = new RubricRepository(ctx);
      const current = new Set((await repo.applied(s.id)).map((a) => a.itemId));
      const applied = [...new Set(apply)].filter((id) => !current.has(id));
      const unapplied = [...new Set(unapply)].filter((id) => current.has(id) && !applied.includes(id));
      const at = this.iso();
      if (applied.length > 0) {
        await ctx.db
          .insertInto('rubric_applications')
          .values(applied.map((id) => ({ submission_id: s.id, item_id: id, course_id: s.courseId, assignment_id: s.assignmentId, applied_by: by, applied_at: at })))
          .execute();
      }
      if (unapplied.length > 0) await ctx.db.deleteFrom('rubric_applications').where('submission_id', '=', s.id).where('item_id', 'in', unapplied).execute();
      if (applied.length > 0 || unapplied.length > 0) await repo.recompute(s.id);
      return { applied, unapplied };
    });
  }

  /** Submissions of an assignment to which any of `itemIds` is applied. */
  private async submissionsApplying(k: AssignmentKey, itemIds: string[]): Promise<string[]> {
    const rows = await this.db
      .selectFrom('rubric_applications')
      .select('submission_id')
      .distinct()
      .where('course_id', '=', k.courseId)
      .where('assignment_id', '=', k.assignmentId)
      .where('item_id', 'in', itemIds)
      .execute();
    return rows.map((r) => r.submission_id);
  }

  /** Write a submission's sum of applied points (null when nothing is applied). */
  private async recompute(submissionId: string): Promise<void> {
    const rows = await this.db
      .selectFrom('rubric_applications as a')
      .innerJoin('rubric_items as i', (j) => j.onRef('i.course_id', '=', 'a.course_id').onRef('i.assignment_id', '=', 'a.assignment_id').onRef('i.id', '=', 'a.item_id'))
      .select('i.points')
      .where('a.submission_id', '=', submissionId)
      .execute();
    const sum = rows.length === 0 ? null : Math.round(rows.reduce((t, r) => t + Number(r.points), 0) * 1000) / 1000;
    await this.db.updateTable('submissions').set({ rubric_points: sum }).where('id', '=', submissionId).execute();
  }
}
