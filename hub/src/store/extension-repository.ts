// Extensions: a later due date granted to one student for one assignment.

import type { Selectable } from 'kysely';
import type { Extension } from './records';
import { Repository } from './repository';
import { nul, opt } from './rows';
import type { ExtensionsTable } from './tables';

function extensionOf(r: Selectable<ExtensionsTable>): Extension {
  return { courseId: r.course_id, assignmentId: r.assignment_id, studentId: r.student_id, dueAt: r.due_at, grantedBy: r.granted_by, comment: opt(r.comment) };
}

export class ExtensionRepository extends Repository {
  /** Grant (or replace) a student's extension. */
  async set(e: Extension): Promise<void> {
    await this.inTransaction(async ({ db }) => {
      await db.deleteFrom('extensions').where('course_id', '=', e.courseId).where('assignment_id', '=', e.assignmentId).where('student_id', '=', e.studentId).execute();
      await db
        .insertInto('extensions')
        .values({
          course_id: e.courseId,
          assignment_id: e.assignmentId,
          student_id: e.studentId,
          due_at: e.dueAt,
          granted_by: e.grantedBy,
          comment: nul(e.comment),
          created_at: this.iso(),
        })
        .execute();
    });
  }

  /** A course's extensions (one assignment's, when named). */
  async list(courseId: string, assignmentId?: string): Promise<Extension[]> {
    const rows = await this.db
      .selectFrom('extensions')
      .selectAll()
      .where('course_id', '=', courseId)
      .$if(assignmentId !== undefined, (q) => q.where('assignment_id', '=', assignmentId!))
      .execute();
    return rows.map(extensionOf);
  }

  async get(courseId: string, assignmentId: string, studentId: string): Promise<Extension | undefined> {
    return (await this.list(courseId, assignmentId)).find((e) => e.studentId === studentId);
  }
}
