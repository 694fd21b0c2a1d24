// Each student's count of official submissions per assignment, the extra
// attempts staff granted, and the time of the last one. Taking an attempt is
// a compare-and-set on the count inside the caller's transaction, so two
// submissions racing for the last attempt cannot both have it, on SQLite and
// PostgreSQL alike.

import type { AttemptCounter } from './records';
import { Repository } from './repository';
import { opt } from './rows';
import type { Db } from './tables';

/** Whose attempts. */
export interface AttemptKey {
  courseId: string;
  assignmentId: string;
  studentId: string;
}

/** Rounds of compare-and-set before giving up (each lost round means another submission was counted meanwhile). */
const MAX_ROUNDS = 20;

export class AttemptRepository extends Repository {
  /** The student's count; before their first counted submission, what the submissions already stored say. */
  async get(k: AttemptKey): Promise<AttemptCounter> {
    const row = await this.row(this.db, k);
    return row ?? this.fromSubmissions(this.db, k);
  }

  /**
   * Count one official submission at `at` if `judge` (given the count as it
   * stands) lets it through; else resolve to what `judge` said, counting nothing.
   */
  async take<R>(k: AttemptKey, at: string, judge: (c: AttemptCounter) => R | undefined): Promise<{ counter: AttemptCounter } | { refusal: R }> {
    return this.inTransaction(async ({ db }) => {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const c = await this.ensure(db, k);
        const refusal = judge(c);
        if (refusal !== undefined) return { refusal };
        const r = await db
          .updateTable('submission_attempts')
          .set({ used: c.used + 1, last_at: at })
          .where('course_id', '=', k.courseId)
          .where('assignment_id', '=', k.assignmentId)
          .where('student_id', '=', k.studentId)
          .where('used', '=', c.used)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 1) return { counter: { ...c, used: c.used + 1, lastAt: at } };
      }
      throw new Error(`could not count a submission of ${k.studentId} to ${k.assignmentId}: the count kept changing`);
    });
  }

  /** Give the student `extra` more attempts; resolves to the new count. */
  async grant(k: AttemptKey, extra: number): Promise<AttemptCounter> {
    return this.inTransaction(async ({ db }) => {
      await this.ensure(db, k);
      await db
        .updateTable('submission_attempts')
        .set((eb) => ({ extra: eb('extra', '+', extra) }))
        .where('course_id', '=', k.courseId)
        .where('assignment_id', '=', k.assignmentId)
        .where('student_id', '=', k.studentId)
        .execute();
      return (await this.row(db, k))!;
    });
  }

  private async row(db: Db, k: AttemptKey): Promise<AttemptCounter | undefined> {
    const r = await db
      .selectFrom('submission_attempts')
      .select(['used', 'extra', 'last_at'])
      .where('course_id', '=', k.courseId)
      .where('assignment_id', '=', k.assignmentId)
      .where('student_id', '=', k.studentId)
      .executeTakeFirst();
    return r ? { used: Number(r.used), extra: Number(r.extra), ...(opt(r.last_at) ? { lastAt: r.last_at! } : {}) } : undefined;
  }

  /** Submissions stored before the count existed (a database from before submission limits). */
  private async fromSubmissions(db: Db, k: AttemptKey): Promise<AttemptCounter> {
    const r = await db
      .selectFrom('submissions')
      .select((eb) => [eb.fn.countAll<string | number>().as('n'), eb.fn.max('submitted_at').as('last')])
      .where('course_id', '=', k.courseId)
      .where('assignment_id', '=', k.assignmentId)
      .where('student_id', '=', k.studentId)
      .where('source', '=', 'submitted')
      .executeTakeFirst();
    const last = r?.last ?? undefined;
    return { used: Number(r?.n ?? 0), extra: 0, ...(last ? { lastAt: String(last) } : {}) };
  }

  /** The row, made first when missing (a racing maker's row wins). */
  private async ensure(db: Db, k: AttemptKey): Promise<AttemptCounter> {
    const existing = await this.row(db, k);
    if (existing) return existing;
    const c = await this.fromSubmissions(db, k);
    await db
      .insertInto('submission_attempts')
      .values({ course_id: k.courseId, assignment_id: k.assignmentId, student_id: k.studentId, used: c.used, extra: 0, last_at: c.lastAt ?? null })
      .onConflict((oc) => oc.columns(['course_id', 'assignment_id', 'student_id']).doNothing())
      .execute();
    return (await this.row(db, k))!;
  }
}
