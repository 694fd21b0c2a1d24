// Regrade requests: a student asks the staff of their course to look again at
// one of their submissions (optionally naming a test or a line of a file),
// with a message. The staff see the open requests as a queue and answer one
// with a message, optionally regrading the submission or overriding its score
// in the same act; answering closes it, and the student reads the answer.
// At most one request per submission is open at a time.

import { Type, type Static } from '@sinclair/typebox';
import { defineNotification, defineRequest } from '../method';
import { AssignmentId, CourseId, Instant, PersonId, WorkOwnerId } from './courses';
import { SubmissionId } from './submissions';

/** Opaque regrade request id. */
export const RegradeRequestId = Type.String({ pattern: '^[a-z0-9_-]{1,64}$' });

/** Longest message of a request or of its answer (characters). */
export const MAX_REGRADE_MESSAGE_CHARS = 2_000;

/** A message: some text, at most `MAX_REGRADE_MESSAGE_CHARS` long. */
const Message = Type.String({ minLength: 1, maxLength: MAX_REGRADE_MESSAGE_CHARS });

/** What was done when a request was answered. */
export const RegradeRequestOutcome = Type.Union([Type.Literal('closed'), Type.Literal('regraded'), Type.Literal('overridden')]);
export type RegradeRequestOutcome = Static<typeof RegradeRequestOutcome>;

/** The answer to a request. */
export const RegradeRequestAnswer = Type.Object({
  message: Message,
  outcome: RegradeRequestOutcome,
  /** The score set, when `outcome` is `overridden`. */
  score: Type.Optional(Type.Number()),
  authorId: PersonId,
  authorName: Type.Optional(Type.String()),
  /** Hub time it was answered. */
  at: Instant,
});
export type RegradeRequestAnswer = Static<typeof RegradeRequestAnswer>;

/** One request, open or answered. */
export const RegradeRequestInfo = Type.Object({
  id: RegradeRequestId,
  courseId: CourseId,
  assignmentId: AssignmentId,
  /** Whose work it is about: the student, or on a group assignment the group (any member may ask). */
  studentId: WorkOwnerId,
  /** The student's name, or "Group g: Ana, Ben" for a group. */
  studentName: Type.Optional(Type.String()),
  /** The student's section, when the course has sections. */
  section: Type.Optional(Type.String()),
  submissionId: SubmissionId,
  /** The test the student asks about. */
  testName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  /** The file the student asks about, relative to the submission's root. */
  path: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  /** The line of `path` (1-based). */
  line: Type.Optional(Type.Integer({ minimum: 1 })),
  message: Message,
  /** Hub time it was asked. */
  at: Instant,
  state: Type.Union([Type.Literal('open'), Type.Literal('answered')]),
  answer: Type.Optional(RegradeRequestAnswer),
});
export type RegradeRequestInfo = Static<typeof RegradeRequestInfo>;

/** `regradeRequests/create`: a student asks for a regrade of one of their submissions. */
export namespace CreateRegradeRequestRequest {
  export const method = 'regradeRequests/create';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "A student asks the staff to look again at one of their own submissions, with a message (audit-logged). `testName` must be a test of the submission's result; `path` a file of its snapshot and `line` within it. One request per submission may be open at a time.",
    params: Type.Object({
      submissionId: SubmissionId,
      message: Message,
      testName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      path: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
      line: Type.Optional(Type.Integer({ minimum: 1 })),
    }),
    result: Type.Object({ request: RegradeRequestInfo }),
  });
}

/** `regradeRequests/list`: the open queue (staff), or a student's own requests. */
export namespace ListRegradeRequestsRequest {
  export const method = 'regradeRequests/list';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Staff: the course's open requests, those of students of the caller's own section first (when the caller has one), then oldest first; with `state: 'all'` the answered ones too. A student: their own requests (open and answered), newest first; `assignmentId` narrows either.",
    params: Type.Object({
      courseId: CourseId,
      assignmentId: Type.Optional(AssignmentId),
      state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('all')])),
    }),
    result: Type.Object({ requests: Type.Array(RegradeRequestInfo) }),
  });
}

/** `regradeRequests/answer`: staff answer an open request, which closes it. */
export namespace AnswerRegradeRequestRequest {
  export const method = 'regradeRequests/answer';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Staff of the course answer an open request with a message the student reads, which closes it (audit-logged). `action: 'regrade'` queues the submission for grading again; `action: 'override'` sets its score to `score` (checked as `scores/override` checks it, the message its comment). A request already answered is refused.",
    params: Type.Object({
      requestId: RegradeRequestId,
      message: Message,
      action: Type.Optional(Type.Union([Type.Literal('close'), Type.Literal('regrade'), Type.Literal('override')])),
      score: Type.Optional(Type.Number({ minimum: 0, maximum: 100000 })),
    }),
    result: Type.Object({ request: RegradeRequestInfo }),
  });
}

/** `events/regradeRequestChanged`: a request was made or answered. */
export namespace RegradeRequestChangedNotification {
  export const method = 'events/regradeRequestChanged';
  export const type = defineNotification({
    method,
    direction: 'serverToClient',
    description: 'A regrade request was made or answered; sent to its student and the course staff.',
    params: Type.Object({ request: RegradeRequestInfo }),
  });
}
