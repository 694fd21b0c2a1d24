// Groups of a group assignment: staff name a group and its members (students
// of the course); a student belongs to at most one group per assignment (the
// members table's key says so, whatever the callers check). The group's work
// — its workspace, versions, submissions and grade — is kept under its work
// owner id (groups/work-owner.ts).

import { Repository } from './repository';

/** One group of one assignment, with its members (person ids, sorted). */
export interface Group {
  courseId: string;
  assignmentId: string;
  id: string;
  members: string[];
  createdBy: string;
  createdAt: string;
}

/** A student already in another group of the assignment. */
export class AlreadyGrouped extends Error {
  constructor(
    readonly personId: string,
    readonly groupId: string,
  ) {
    super(`${personId} is already in group ${groupId}`);
  }
}

export class GroupRepository extends Repository {
  /** Create the group or replace its members, in one transaction; throws AlreadyGrouped when a member is in another group of the assignment. */
  async save(g: { courseId: string; assignmentId: string; id: string; members: string[]; createdBy: string }): Promise<Group> {
    return this.inTransaction(async ({ db }) => {
      const others = await db
        .selectFrom('group_members')
        .select(['person_id', 'group_id'])
        .where('course_id', '=', g.courseId)
        .where('assignment_id', '=', g.assignmentId)
        .where('group_id', '!=', g.id)
        .$if(g.members.length > 0, (q) => q.where('person_id', 'in', g.members))
        .$if(g.members.length === 0, (q) => q.where('person_id', '=', ''))
        .execute();
      if (others[0]) throw new AlreadyGrouped(others[0].person_id, others[0].group_id);
      const existing = await db
        .selectFrom('groups')
        .selectAll()
        .where('course_id', '=', g.courseId)
        .where('assignment_id', '=', g.assignmentId)
        .where('id', '=', g.id)
        .executeTakeFirst();
      const createdAt = existing?.created_at ?? this.iso();
      const createdBy = existing?.created_by ?? g.createdBy;
      if (!existing) {
        await db.insertInto('groups').values({ course_id: g.courseId, assignment_id: g.assignmentId, id: g.id, created_by: createdBy, created_at: createdAt }).execute();
      }
      await db.deleteFrom('group_members').where('course_id', '=', g.courseId).where('assignment_id', '=', g.assignmentId).where('group_id', '=', g.id).execute();
      if (g.members.length > 0) {
        await db
          .insertInto('group_members')
          .values(g.members.map((m) => ({ course_id: g.courseId, assignment_id: g.assignmentId, group_id: g.id, person_id: m })))
          .execute();
      }
      return { courseId: g.courseId, assignmentId: g.assignmentId, id: g.id, members: [...g.members].sort(), createdBy, createdAt };
    });
  }

  /** Remove a group and its memberships; resolves to whether it existed. */
  async remove(courseId: string, assignmentId: string, id: string): Promise<boolean> {
    return this.inTransaction(async ({ db }) => {
      await db.deleteFrom('group_members').where('course_id', '=', courseId).where('assignment_id', '=', assignmentId).where('group_id', '=', id).execute();
      const r = await db.deleteFrom('groups').where('course_id', '=', courseId).where('assignment_id', '=', assignmentId).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  async get(courseId: string, assignmentId: string, id: string): Promise<Group | undefined> {
    return (await this.list(courseId, assignmentId, id))[0];
  }

  /** The groups of a course (of one assignment, when named), by assignment and id. */
  async list(courseId: string, assignmentId?: string, id?: string): Promise<Group[]> {
    const groups = await this.db
      .selectFrom('groups')
      .selectAll()
      .where('course_id', '=', courseId)
      .$if(assignmentId !== undefined, (q) => q.where('assignment_id', '=', assignmentId!))
      .$if(id !== undefined, (q) => q.where('id', '=', id!))
      .orderBy('assignment_id')
      .orderBy('id')
      .execute();
    if (groups.length === 0) return [];
    const members = await this.db
      .selectFrom('group_members')
      .select(['assignment_id', 'group_id', 'person_id'])
      .where('course_id', '=', courseId)
      .$if(assignmentId !== undefined, (q) => q.where('assignment_id', '=', assignmentId!))
      .$if(id !== undefined, (q) => q.where('group_id', '=', id!))
      .orderBy('person_id')
      .execute();
    const byGroup = new Map<string, string[]>();
    for (const m of members) {
      const k = `${m.assignment_id}/${m.group_id}`;
      byGroup.set(k, [...(byGroup.get(k) ?? []), m.person_id]);
    }
    return groups.map((g) => ({
      courseId: g.course_id,
      assignmentId: g.assignment_id,
      id: g.id,
      members: byGroup.get(`${g.assignment_id}/${g.id}`) ?? [],
      createdBy: g.created_by,
      createdAt: g.created_at,
    }));
  }

  /** The group a person belongs to for an assignment, if any. */
  async groupOf(courseId: string, assignmentId: string, personId: string): Promise<Group | undefined> {
    const m = await this.db
      .selectFrom('group_members')
      .select('group_id')
      .where('course_id', '=', courseId)
      .where('assignment_id', '=', assignmentId)
      .where('person_id', '=', personId)
      .executeTakeFirst();
    return m ? this.get(courseId, assignmentId, m.group_id) : undefined;
  }
}
