// A course's roster in the store: who is enrolled with which role and section,
// and who was withdrawn (their enrolment row, submissions and grades kept,
// `withdrawn_at` set). A roster import is planned and applied inside one
// transaction, with its audit entries, so a preview and what is applied are
// computed from the same roster and nothing is ever applied in part.

import { newId } from './store';
import type { Role } from './records';
import type { SqlDriver, SqlRunner } from './sql-driver';

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

const str = (v: unknown): string | undefined => (v === null || v === undefined || v === '' ? undefined : String(v));

export class RosterRepository {
  constructor(
    private readonly db: SqlDriver,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Everyone enrolled in the course (withdrawn students included), by id. */
  async members(courseId: string, db: SqlRunner = this.db): Promise<RosterMember[]> {
    const rows = await db.all(
      `SELECT e.person_id, e.role, e.section_id, e.withdrawn_at, p.name, p.email
         FROM enrolments e JOIN people p ON p.id = e.person_id WHERE e.course_id = ? ORDER BY e.person_id`,
      [courseId],
    );
    return rows.map((r) => ({
      personId: String(r.person_id),
      name: String(r.name),
      ...(str(r.email) ? { email: str(r.email) } : {}),
      role: String(r.role) as Role,
      ...(str(r.section_id) ? { section: str(r.section_id) } : {}),
      withdrawn: r.withdrawn_at !== null && r.withdrawn_at !== undefined,
    }));
  }

  /** Names of the people among `ids` the hub knows. */
  async knownPeople(ids: readonly string[], db: SqlRunner = this.db): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = await db.all<{ id: string; name: string }>(`SELECT id, name FROM people WHERE id IN (${chunk.map(() => '?').join(', ')})`, chunk);
      for (const r of rows) out.set(String(r.id), String(r.name));
    }
    return out;
  }

  /** Whether the person is a withdrawn member of the course. */
  async isWithdrawn(courseId: string, personId: string): Promise<boolean> {
    const r = await this.db.get<{ withdrawn_at: string | null }>('SELECT withdrawn_at FROM enrolments WHERE course_id = ? AND person_id = ?', [courseId, personId]);
    return r?.withdrawn_at !== null && r?.withdrawn_at !== undefined;
  }

  /** Ids of the course's withdrawn students. */
  async withdrawnIn(courseId: string): Promise<Set<string>> {
    const rows = await this.db.all<{ person_id: string }>('SELECT person_id FROM enrolments WHERE course_id = ? AND withdrawn_at IS NOT NULL', [courseId]);
    return new Set(rows.map((r) => String(r.person_id)));
  }

  /** Courses the person was withdrawn from. */
  async withdrawnCoursesOf(personId: string): Promise<Set<string>> {
    const rows = await this.db.all<{ course_id: string }>('SELECT course_id FROM enrolments WHERE person_id = ? AND withdrawn_at IS NOT NULL', [personId]);
    return new Set(rows.map((r) => String(r.course_id)));
  }

  /** The section of each member of the course who has one. */
  async sectionsIn(courseId: string): Promise<Map<string, string>> {
    const rows = await this.db.all<{ person_id: string; section_id: string }>('SELECT person_id, section_id FROM enrolments WHERE course_id = ? AND section_id IS NOT NULL', [courseId]);
    return new Map(rows.map((r) => [String(r.person_id), String(r.section_id)]));
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
    return this.db.transaction(async (tx) => {
      const { result, writes } = await plan(await this.members(courseId, tx), (ids) => this.knownPeople(ids, tx));
      if (!apply) return result;
      const at = this.now().toISOString();
      for (const p of writes.create) {
        await tx.run('INSERT INTO people (id, name, email, admin, created_at) VALUES (?, ?, ?, 0, ?)', [p.id, p.name, p.email ?? null, at]);
      }
      for (const e of writes.enrol) {
        const changed = await tx.run('UPDATE enrolments SET role = ?, section_id = ?, withdrawn_at = NULL WHERE course_id = ? AND person_id = ?', [
          e.role,
          e.section ?? null,
          courseId,
          e.personId,
        ]);
        if (changed === 0) {
          await tx.run('INSERT INTO enrolments (course_id, person_id, role, created_at, section_id) VALUES (?, ?, ?, ?, ?)', [courseId, e.personId, e.role, at, e.section ?? null]);
        }
      }
      for (const personId of writes.withdraw) {
        await tx.run('UPDATE enrolments SET withdrawn_at = ? WHERE course_id = ? AND person_id = ? AND withdrawn_at IS NULL', [at, courseId, personId]);
      }
      for (const a of writes.audit) {
        await tx.run('INSERT INTO audit (id, at, actor_id, action, course_id, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          newId('a'),
          at,
          actorId,
          a.action,
          courseId,
          a.target ?? null,
          JSON.stringify(a.detail),
        ]);
      }
      return result;
    });
  }
}
