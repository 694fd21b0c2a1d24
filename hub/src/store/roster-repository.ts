// A course's roster in the store: who is enrolled with which role and section,
// and who was withdrawn (their enrolment row, submissions and grades kept,
// `withdrawn_at` set). A roster import is planned and applied inside one
// transaction, with its audit entries, so a preview and what is applied are
// computed from the same roster and nothing is ever applied in part. A
// withdrawal also ends the student's raised hand (audit-logged) in that transaction.

import { AuditRepository } from './audit-repository';
import { HelpRequestRepository } from './help-request-repository';
import type { Role } from './records';
import { Repository } from './repository';

/** One person of a course as the roster holds them. */
export interface RosterMember {
  personId: string;
  name: string;
  email?: string;
  role: Role;
  section?: string;
  withdrawn: boolean;
}

/** A person to create when an import enrols someone the hub does not know yet. */
export interface NewPerson {
  id: string;
  name: string;
  email?: string;
}

/** The writes of one roster import. */
export interface RosterWrites {
  /** People the hub does not know yet. */
  create: NewPerson[];
  /** Enrol (or re-enrol a withdrawn person, or change the role or section of an enrolled one). */
  enrol: Array<{ personId: string; role: Role; section?: string }>;
  withdraw: string[];
  /** Audit entries written in the same transaction. */
  audit: Array<{ action: string; target?: string; detail: unknown }>;
}

/** Text, with null and '' as absent. */
const text = (v: string | null): string | undefined => (v === null || v === '' ? undefined : v);

export class RosterRepository extends Repository {
  /** Everyone enrolled in the course (withdrawn students included), by id. */
  async members(courseId: string): Promise<RosterMember[]> {
    const rows = await this.db
      .selectFrom('enrolments as e')
      .innerJoin('people as p', 'p.id', 'e.person_id')
      .select(['e.person_id', 'e.role', 'e.section_id', 'e.withdrawn_at', 'p.name', 'p.email'])
      .where('e.course_id', '=', courseId)
      .orderBy('e.person_id')
      .execute();
    return rows.map((r) => ({
      personId: r.person_id,
      name: r.name,
      ...(text(r.email) ? { email: text(r.email) } : {}),
      role: r.role as Role,
      ...(text(r.section_id) ? { section: text(r.section_id) } : {}),
      withdrawn: r.withdrawn_at !== null,
    }));
  }

  /** Names of the people among `ids` the hub knows. */
  async knownPeople(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db.selectFrom('people').select(['id', 'name']).where('id', 'in', ids.slice(i, i + 500)).execute();
      for (const r of rows) out.set(r.id, r.name);
    }
    return out;
  }

  /** Whether the person is a withdrawn member of the course. */
  async isWithdrawn(courseId: string, personId: string): Promise<boolean> {
    const r = await this.db.selectFrom('enrolments').select('withdrawn_at').where('course_id', '=', courseId).where('person_id', '=', personId).executeTakeFirst();
    return r !== undefined && r.withdrawn_at !== null;
  }

  /** Ids of the course's withdrawn students. */
  async withdrawnIn(courseId: string): Promise<Set<string>> {
    const rows = await this.db.selectFrom('enrolments').select('person_id').where('course_id', '=', courseId).where('withdrawn_at', 'is not', null).execute();
    return new Set(rows.map((r) => r.person_id));
  }

  /** Courses the person was withdrawn from. */
  async withdrawnCoursesOf(personId: string): Promise<Set<string>> {
    const rows = await this.db.selectFrom('enrolments').select('course_id').where('person_id', '=', personId).where('withdrawn_at', 'is not', null).execute();
    return new Set(rows.map((r) => r.course_id));
  }

  /** The section of each member of the course who has one. */
  async sectionsIn(courseId: string): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('enrolments').select(['person_id', 'section_id']).where('course_id', '=', courseId).where('section_id', 'is not', null).execute();
    return new Map(rows.map((r) => [r.person_id, String(r.section_id)]));
  }

  /**
   * Read the roster, let `plan` decide on it, and (when it returns writes and `apply` is set)
   * write them and their audit entries, all in one transaction.
   */
  async update<T>(
    courseId: string,
    actorId: string,
    apply: boolean,
    plan: (roster: RosterMember[], known: (ids: readonly string[]) => Promise<Map<string, string>>) => Promise<{ result: T; writes: RosterWrites }>,
  ): Promise<T> {
    return this.inTransaction(async (ctx) => {
      const { db } = ctx;
      const tx = new RosterRepository(ctx);
      const { result, writes } = await plan(await tx.members(courseId), (ids) => tx.knownPeople(ids));
      if (!apply) return result;
      const at = this.iso();
      for (const p of writes.create) {
        await db.insertInto('people').values({ id: p.id, name: p.name, email: p.email ?? null, admin: 0, created_at: at }).execute();
      }
      for (const e of writes.enrol) {
        const changed = await db
          .updateTable('enrolments')
          .set({ role: e.role, section_id: e.section ?? null, withdrawn_at: null })
          .where('course_id', '=', courseId)
          .where('person_id', '=', e.personId)
          .executeTakeFirst();
        if (Number(changed.numUpdatedRows) === 0) {
          await db.insertInto('enrolments').values({ course_id: courseId, person_id: e.personId, role: e.role, created_at: at, section_id: e.section ?? null }).execute();
        }
      }
      const audit = new AuditRepository(ctx);
      const help = new HelpRequestRepository(ctx);
      for (const personId of writes.withdraw) {
        await db.updateTable('enrolments').set({ withdrawn_at: at }).where('course_id', '=', courseId).where('person_id', '=', personId).where('withdrawn_at', 'is', null).execute();
        // No queue keeps a student who can no longer work in the course: their raised hand ends with them.
        const hand = await help.openOf(courseId, personId);
        if (hand && (await help.close(hand.id, 'ended', actorId))) {
          await audit.add({ actorId, action: 'help.end', courseId, target: personId, detail: JSON.stringify({ request: hand.id, ...(hand.helperId ? { helper: hand.helperId } : {}), by: 'withdrawal' }) });
        }
      }
      for (const a of writes.audit) await audit.add({ actorId, action: a.action, courseId, target: a.target, detail: JSON.stringify(a.detail) });
      return result;
    });
  }
}
