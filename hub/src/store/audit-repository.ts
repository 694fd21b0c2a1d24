// The audit log: who did what, when, in which course, to whom.

import type { AuditRecord } from './records';
import { newId, Repository } from './repository';
import { nul, opt } from './rows';

export class AuditRepository extends Repository {
  async add(e: Omit<AuditRecord, 'id' | 'at'>): Promise<void> {
    await this.db
      .insertInto('audit')
      .values({ id: newId('a'), at: this.iso(), actor_id: e.actorId, action: e.action, course_id: nul(e.courseId), target: nul(e.target), detail: nul(e.detail) })
      .execute();
  }

  /**
   * A course's log, newest first: what was done in it, and the sign-ins,
   * renewals and sign-outs of its members (recorded once per person, in no
   * course, as `auth.*`).
   */
  async list(courseId: string, limit = 100): Promise<AuditRecord[]> {
    const rows = await this.db
      .selectFrom('audit')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('course_id', '=', courseId),
          eb.and([
            eb('course_id', 'is', null),
            eb('action', 'like', 'auth.%'),
            eb('actor_id', 'in', eb.selectFrom('enrolments').select('person_id').where('course_id', '=', courseId)),
          ]),
        ]),
      )
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, at: r.at, actorId: r.actor_id, action: r.action, courseId: opt(r.course_id), target: opt(r.target), detail: opt(r.detail) }));
  }
}
