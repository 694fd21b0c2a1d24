// Feedback on code: comments staff write on lines of a submitted file. A
// thread is named by its first comment; replies carry that id and the same
// file and lines. Comments are only ever added: a submission is immutable,
// and so is what was said about it.

import type { Selectable } from 'kysely';
import type { FeedbackComment } from './records';
import { newId, Repository } from './repository';
import type { FeedbackCommentsTable } from './tables';

function commentOf(r: Selectable<FeedbackCommentsTable>): FeedbackComment {
  return {
    id: r.id,
    threadId: r.thread_id,
    submissionId: r.submission_id,
    courseId: r.course_id,
    assignmentId: r.assignment_id,
    studentId: r.student_id,
    path: r.path,
    line: Number(r.line),
    endLine: Number(r.end_line),
    body: r.body,
    authorId: r.author_id,
    at: r.at,
  };
}

/** What the work a comment is about: one student's submissions to one assignment. */
export interface FeedbackKey {
  courseId: string;
  assignmentId: string;
  studentId: string;
}

export class FeedbackRepository extends Repository {
  /** Add a comment; a new thread when `threadId` is absent. */
  async add(c: Omit<FeedbackComment, 'id' | 'threadId'> & { threadId?: string }): Promise<FeedbackComment> {
    const id = newId('f');
    const comment: FeedbackComment = { ...c, id, threadId: c.threadId ?? id };
    await this.db
      .insertInto('feedback_comments')
      .values({
        id: comment.id,
        thread_id: comment.threadId,
        submission_id: c.submissionId,
        course_id: c.courseId,
        assignment_id: c.assignmentId,
        student_id: c.studentId,
        path: c.path,
        line: c.line,
        end_line: c.endLine,
        body: c.body,
        author_id: c.authorId,
        at: c.at,
      })
      .execute();
    return comment;
  }

  async get(id: string): Promise<FeedbackComment | undefined> {
    const r = await this.db.selectFrom('feedback_comments').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? commentOf(r) : undefined;
  }

  /** The comments on one student's submissions to an assignment (or on one of them), oldest first. */
  async list(k: FeedbackKey, submissionId?: string): Promise<FeedbackComment[]> {
    const rows = await this.db
      .selectFrom('feedback_comments')
      .selectAll()
      .where('course_id', '=', k.courseId)
      .where('assignment_id', '=', k.assignmentId)
      .where('student_id', '=', k.studentId)
      .$if(Boolean(submissionId), (q) => q.where('submission_id', '=', submissionId!))
      .orderBy('at', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return rows.map(commentOf);
  }
}
