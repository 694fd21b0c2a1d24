// Regrade requests in the store. A request is created open and answered once:
// the answer is a compare-and-set on `state = 'open'`, so two staff answering
// at once close it exactly once. A unique index on the open requests of a
// submission keeps "one open request per submission" true under races too.

import type { Selectable } from 'kysely';
import { newId, Repository } from './repository';
import type { RegradeRequestsTable } from './tables';

/** What was done when a request was answered. */
export type RegradeOutcome = 'closed' | 'regraded' | 'overridden';

/** One regrade request as stored. */
export interface RegradeRequestRecord {
  id: string;
  submissionId: string;
  courseId: string;
  assignmentId: string;
  studentId: string;
  testName?: string;
  path?: string;
  line?: number;
  message: string;
  /** Hub time it was asked. */
  at: string;
  state: 'open' | 'answered';
  answer?: { message: string; outcome: RegradeOutcome; score?: number; authorId: string; at: string };
}

function recordOf(r: Selectable<RegradeRequestsTable>): RegradeRequestRecord {
  return {
    id: r.id,
    submissionId: r.submission_id,
    courseId: r.course_id,
    assignmentId: r.assignment_id,
    studentId: r.student_id,
    ...(r.test_name !== null ? { testName: r.test_name } : {}),
    ...(r.path !== null ? { path: r.path } : {}),
    ...(r.line !== null ? { line: Number(r.line) } : {}),
    message: r.message,
    at: r.at,
    state: r.state === 'open' ? 'open' : 'answered',
    ...(r.state !== 'open' && r.answer_message !== null
      ? {
          answer: {
            message: r.answer_message,
            outcome: (r.answer_outcome ?? 'closed') as RegradeOutcome,
            ...(r.answer_score !== null ? { score: Number(r.answer_score) } : {}),
            authorId: r.answered_by ?? '',
            at: r.answered_at ?? r.at,
          },
        }
      : {}),
  };
}

export class RegradeRequestRepository extends Repository {
  /** Record a new open request. */
  async create(r: Omit<RegradeRequestRecord, 'id' | 'state' | 'answer'>): Promise<RegradeRequestRecord> {
    const id = newId('rr');
    await this.db
      .insertInto('regrade_requests')
      .values({
        id,
        submission_id: r.submissionId,
        course_id: r.courseId,
        assignment_id: r.assignmentId,
        student_id: r.studentId,
        test_name: r.testName ?? null,
        path: r.path ?? null,
        line: r.line ?? null,
        message: r.message,
        at: r.at,
        state: 'open',
        answer_message: null,
        answer_outcome: null,
        answer_score: null,
        answered_by: null,
        answered_at: null,
      })
      .execute();
    return { ...r, id, state: 'open' };
  }

  async get(id: string): Promise<RegradeRequestRecord | undefined> {
    const r = await this.db.selectFrom('regrade_requests').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? recordOf(r) : undefined;
  }

  /** The open request of a submission, if there is one. */
  async openFor(submissionId: string): Promise<RegradeRequestRecord | undefined> {
    const r = await this.db.selectFrom('regrade_requests').selectAll().where('submission_id', '=', submissionId).where('state', '=', 'open').executeTakeFirst();
    return r ? recordOf(r) : undefined;
  }

  /** A course's requests (open only unless `all`), optionally of one student or assignment, oldest first. */
  async list(q: { courseId: string; studentId?: string; assignmentId?: string; all?: boolean }): Promise<RegradeRequestRecord[]> {
    const rows = await this.db
      .selectFrom('regrade_requests')
      .selectAll()
      .where('course_id', '=', q.courseId)
      .$if(q.studentId !== undefined, (b) => b.where('student_id', '=', q.studentId!))
      .$if(q.assignmentId !== undefined, (b) => b.where('assignment_id', '=', q.assignmentId!))
      .$if(!q.all, (b) => b.where('state', '=', 'open'))
      .orderBy('at', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return rows.map(recordOf);
  }

  /** Answer an open request; false when it was no longer open (someone answered it first). */
  async answer(id: string, a: NonNullable<RegradeRequestRecord['answer']>): Promise<boolean> {
    const changed = await this.db
      .updateTable('regrade_requests')
      .set({ state: 'answered', answer_message: a.message, answer_outcome: a.outcome, answer_score: a.score ?? null, answered_by: a.authorId, answered_at: a.at })
      .where('id', '=', id)
      .where('state', '=', 'open')
      .executeTakeFirst();
    return Number(changed.numUpdatedRows) === 1;
  }
}
