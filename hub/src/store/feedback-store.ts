// The feedback table: comments staff write on lines of a submitted file, in
// portable SQL over the store's driver (SQLite and PostgreSQL alike). A thread
// is named by its first comment; replies carry that id and the same file and
// lines. Comments are only ever added: a submission is immutable, and so is
// what was said about it.

import { randomBytes } from 'node:crypto';
import type { FeedbackComment } from './records';
import type { Row, SqlDriver } from './sql-driver';

function commentOf(r: Row): FeedbackComment {
  return {
    id: String(r.id),
    threadId: String(r.thread_id),
    submissionId: String(r.submission_id),
    courseId: String(r.course_id),
    assignmentId: String(r.assignment_id),
    studentId: String(r.student_id),
    path: String(r.path),
    line: Number(r.line),
    endLine: Number(r.end_line),
    body: String(r.body),
    authorId: String(r.author_id),
    at: String(r.at),
  };
}

/** What the work a comment is about: one student's submissions to one assignment. */
export interface FeedbackKey {
  courseId: string;
  assignmentId: string;
  studentId: string;
}

export class FeedbackStore {
  constructor(private readonly db: SqlDriver) {}

  /** Add a comment; a new thread when `threadId` is absent. */
  async add(c: Omit<FeedbackComment, 'id' | 'threadId'> & { threadId?: string }): Promise<FeedbackComment> {
    const id = `f_${randomBytes(10).toString('hex')}`;
    const comment: FeedbackComment = { ...c, id, threadId: c.threadId ?? id };
    await this.db.run(
      'INSERT INTO feedback_comments (id, thread_id, submission_id, course_id, assignment_id, student_id, path, line, end_line, body, author_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [comment.id, comment.threadId, c.submissionId, c.courseId, c.assignmentId, c.studentId, c.path, c.line, c.endLine, c.body, c.authorId, c.at],
    );
    return comment;
  }

  async get(id: string): Promise<FeedbackComment | undefined> {
    const r = await this.db.get('SELECT * FROM feedback_comments WHERE id = ?', [id]);
    return r ? commentOf(r) : undefined;
  }

  /** The comments on one student's submissions to an assignment (or on one of them), oldest first. */
  async list(k: FeedbackKey, submissionId?: string): Promise<FeedbackComment[]> {
    const where = 'course_id = ? AND assignment_id = ? AND student_id = ?';
    const params: unknown[] = [k.courseId, k.assignmentId, k.studentId];
    const rows = submissionId
      ? await this.db.all(`SELECT * FROM feedback_comments WHERE ${where} AND submission_id = ? ORDER BY at ASC, id ASC`, [...params, submissionId])
      : await this.db.all(`SELECT * FROM feedback_comments WHERE ${where} ORDER BY at ASC, id ASC`, params);
    return rows.map(commentOf);
  }
}
