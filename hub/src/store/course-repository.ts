// Courses, their settings (grading policy, idle time), and who is enrolled in
// each with which role.

import type { Course, Enrolment, Person, Role } from './records';
import { Repository } from './repository';
import { personOf } from './rows';

export class CourseRepository extends Repository {
  /** Insert or retitle; resolves to true when it was new. */
  async upsert(c: Course): Promise<boolean> {
    const existing = await this.db.selectFrom('courses').select('id').where('id', '=', c.id).executeTakeFirst();
    if (existing) {
      await this.db.updateTable('courses').set({ title: c.title }).where('id', '=', c.id).execute();
      return false;
    }
    await this.db.insertInto('courses').values({ id: c.id, title: c.title, created_at: this.iso() }).execute();
    return true;
  }

  async get(id: string): Promise<Course | undefined> {
    return this.db.selectFrom('courses').select(['id', 'title']).where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<Course[]> {
    return this.db.selectFrom('courses').select(['id', 'title']).orderBy('id').execute();
  }

  /** Set a course's grading policy: the sandboxes whose grades are official for it; null: the deployment's. */
  async setOfficialSandboxes(courseId: string, sandboxes: readonly string[] | null): Promise<void> {
    await this.db.updateTable('courses').set({ official_sandboxes: sandboxes ? sandboxes.join(',') : null }).where('id', '=', courseId).execute();
  }

  /** A course's grading policy, or undefined when it follows the deployment's. */
  async officialSandboxes(courseId: string): Promise<string[] | undefined> {
    const r = await this.db.selectFrom('courses').select('official_sandboxes').where('id', '=', courseId).executeTakeFirst();
    return r?.official_sandboxes ? r.official_sandboxes.split(',') : undefined;
  }

  /** Set how long a workspace of the course may be idle before it is stopped (seconds); null: the deployment default. */
  async setIdleStopSeconds(courseId: string, seconds: number | null): Promise<void> {
    await this.db.updateTable('courses').set({ idle_stop_seconds: seconds }).where('id', '=', courseId).execute();
  }

  /** A course's idle time (seconds), or undefined when it follows the deployment default. */
  async idleStopSeconds(courseId: string): Promise<number | undefined> {
    const r = await this.db.selectFrom('courses').select('idle_stop_seconds').where('id', '=', courseId).executeTakeFirst();
    return r?.idle_stop_seconds === null || r?.idle_stop_seconds === undefined ? undefined : Number(r.idle_stop_seconds);
  }

  /** Enrol with a role, or set the role of one enrolled (a withdrawn person is enrolled again); their section stays. */
  async enrol(e: Enrolment): Promise<void> {
    await this.inTransaction(async ({ db }) => {
      const changed = await db.updateTable('enrolments').set({ role: e.role, withdrawn_at: null }).where('course_id', '=', e.courseId).where('person_id', '=', e.personId).executeTakeFirst();
      if (Number(changed.numUpdatedRows) === 0) await db.insertInto('enrolments').values({ course_id: e.courseId, person_id: e.personId, role: e.role, created_at: this.iso() }).execute();
    });
  }

  async roleIn(courseId: string, personId: string): Promise<Role | undefined> {
    const r = await this.db.selectFrom('enrolments').select('role').where('course_id', '=', courseId).where('person_id', '=', personId).executeTakeFirst();
    return r?.role as Role | undefined;
  }

  async enrolmentsOf(personId: string): Promise<Enrolment[]> {
    const rows = await this.db.selectFrom('enrolments').select(['course_id', 'role']).where('person_id', '=', personId).orderBy('course_id').execute();
    return rows.map((r) => ({ courseId: r.course_id, personId, role: r.role as Role }));
  }

  /** The people enrolled in a course (with one role only, when given), by id. */
  async members(courseId: string, role?: Role): Promise<Array<Person & { role: Role }>> {
    const rows = await this.db
      .selectFrom('enrolments as e')
      .innerJoin('people as p', 'p.id', 'e.person_id')
      .selectAll('p')
      .select('e.role as role')
      .where('e.course_id', '=', courseId)
      .$if(role !== undefined, (q) => q.where('e.role', '=', role!))
      .orderBy('p.id')
      .execute();
    return rows.map((r) => ({ ...personOf(r), role: r.role as Role }));
  }
}
