// Live help requests: a student's raised hand for an assignment, with a
// message and the failing test attached, until it is lowered or ended. A
// request goes waiting → helping (taken by one staff member) → ended, or is
// lowered by its student; each step is a compare-and-set on its state, so two
// staff taking the same hand, or a take racing a lowered hand, end with one
// winner. One open hand per student per course is kept by the database
// itself: `open_key` (course and student) is unique while the request is
// open and null once it is closed.

import type { Selectable } from 'kysely';
import { newId, Repository } from './repository';
import { nul, opt } from './rows';
import type { HelpRequestsTable } from './tables';

/** Where a request is. */
export type HelpRequestState = 'waiting' | 'helping' | 'lowered' | 'ended';

/** One raised hand, as the store keeps it. */
export interface HelpRequestRecord {
  id: string;
  courseId: string;
  assignmentId: string;
  studentId: string;
  message: string;
  failingTest?: { name: string; message: string };
  state: HelpRequestState;
  raisedAt: string;
  helperId?: string;
  takenAt?: string;
  terminalSince?: string;
  endedAt?: string;
  endedBy?: string;
}

/** Raised while the student already has an open hand in the course. */
export class HandAlreadyRaised extends Error {
  constructor(readonly existing: HelpRequestRecord) {
    super(`a hand is already raised (${existing.id})`);
  }
}

const OPEN: HelpRequestState[] = ['waiting', 'helping'];

function requestOf(r: Selectable<HelpRequestsTable>): HelpRequestRecord {
  const testName = opt(r.test_name);
  return {
    id: r.id,
    courseId: r.course_id,
    assignmentId: r.assignment_id,
    studentId: r.student_id,
    message: r.message,
    ...(testName !== undefined ? { failingTest: { name: testName, message: r.test_message ?? '' } } : {}),
    state: r.state as HelpRequestState,
    raisedAt: r.raised_at,
    helperId: opt(r.helper_id),
    takenAt: opt(r.taken_at),
    terminalSince: opt(r.terminal_since),
    endedAt: opt(r.ended_at),
    endedBy: opt(r.ended_by),
  };
}

export class HelpRequestRepository extends Repository {
  /** Raise a hand; throws HandAlreadyRaised when the student has an open one in the course. */
  async raise(r: Pick<HelpRequestRecord, 'courseId' | 'assignmentId' | 'studentId' | 'message' | 'failingTest'>): Promise<HelpRequestRecord> {
    const existing = await this.openOf(r.courseId, r.studentId);
    if (existing) throw new HandAlreadyRaised(existing);
    const request: HelpRequestRecord = { ...r, id: newId('h'), state: 'waiting', raisedAt: this.iso() };
    try {
      await this.db
        .insertInto('help_requests')
        .values({
          id: request.id,
          course_id: r.courseId,
          assignment_id: r.assignmentId,
          student_id: r.studentId,
          open_key: `${r.courseId}/${r.studentId}`,
          message: r.message,
          test_name: nul(r.failingTest?.name),
          test_message: nul(r.failingTest?.message),
          state: 'waiting',
          raised_at: request.raisedAt,
        })
        .execute();
    } catch (err) {
      // Two raises at once: the unique open key lets one in.
      const winner = await this.openOf(r.courseId, r.studentId);
      if (winner) throw new HandAlreadyRaised(winner);
      throw err;
    }
    return request;
  }

  async get(id: string): Promise<HelpRequestRecord | undefined> {
    const r = await this.db.selectFrom('help_requests').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? requestOf(r) : undefined;
  }

  /** The student's open request in the course, if any. */
  async openOf(courseId: string, studentId: string): Promise<HelpRequestRecord | undefined> {
    const r = await this.db.selectFrom('help_requests').selectAll().where('open_key', '=', `${courseId}/${studentId}`).executeTakeFirst();
    return r ? requestOf(r) : undefined;
  }

  /** The course's open requests, oldest first. */
  async open(courseId: string): Promise<HelpRequestRecord[]> {
    const rows = await this.db
      .selectFrom('help_requests')
      .selectAll()
      .where('course_id', '=', courseId)
      .where('state', 'in', OPEN)
      .orderBy('raised_at', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return rows.map(requestOf);
  }

  /** Take a waiting request; false when it is no longer waiting. */
  async take(id: string, helperId: string): Promise<boolean> {
    const changed = await this.db
      .updateTable('help_requests')
      .set({ state: 'helping', helper_id: helperId, taken_at: this.iso() })
      .where('id', '=', id)
      .where('state', '=', 'waiting')
      .executeTakeFirst();
    return Number(changed.numUpdatedRows) === 1;
  }

  /** Record that the helper views the terminal (once: the first time stays); false when they are not helping it. */
  async viewTerminal(id: string, helperId: string): Promise<boolean> {
    const changed = await this.db
      .updateTable('help_requests')
      .set({ terminal_since: this.iso() })
      .where('id', '=', id)
      .where('state', '=', 'helping')
      .where('helper_id', '=', helperId)
      .where('terminal_since', 'is', null)
      .executeTakeFirst();
    return Number(changed.numUpdatedRows) === 1;
  }

  /** Close an open request (lowered by its student, or ended); false when it was already closed. */
  async close(id: string, state: 'lowered' | 'ended', by: string): Promise<boolean> {
    const changed = await this.db
      .updateTable('help_requests')
      .set({ state, open_key: null, ended_at: this.iso(), ended_by: by })
      .where('id', '=', id)
      .where('state', 'in', OPEN)
      .executeTakeFirst();
    return Number(changed.numUpdatedRows) === 1;
  }
}
