// Live help: a student raises a hand from their editor for an assignment,
// with a message and the failing test attached; the course's staff see the
// queue (oldest first, their own sections first), take a request, follow the
// student's live workspace (its files read-only and, with the student told on
// screen, their terminal) and end the session. The student may lower their
// hand, or end a session, at any time. Every session is in the audit log.

import { Type, type Static } from '@sinclair/typebox';
import { defineNotification, defineRequest } from '../method';
import { AssignmentId, CourseId, Instant, PersonId } from './courses';
import { WorkspaceInfo } from './cluster';

/** Opaque help request id. */
export const HelpRequestId = Type.String({ pattern: '^[a-z0-9_-]{1,64}$' });

/** Longest message a student writes with a raised hand (characters). */
export const MAX_HELP_MESSAGE_CHARS = 2_000;
/** Longest failing test name (characters). */
export const MAX_HELP_TEST_NAME_CHARS = 300;
/** Longest failing test message or diff, as the student's Testing view has it (characters). */
export const MAX_HELP_TEST_MESSAGE_CHARS = 8_000;

/** The failing test a hand is raised about, as the student's Testing view shows it. */
export const FailingTest = Type.Object({
  /** The test's label (its case name). */
  name: Type.String({ minLength: 1, maxLength: MAX_HELP_TEST_NAME_CHARS }),
  /** What the test said: its message or expected/actual diff. */
  message: Type.String({ maxLength: MAX_HELP_TEST_MESSAGE_CHARS }),
});
export type FailingTest = Static<typeof FailingTest>;

/** Where a request is: waiting, being helped, or over (lowered by the student, or ended). */
export const HelpState = Type.Union([Type.Literal('waiting'), Type.Literal('helping'), Type.Literal('lowered'), Type.Literal('ended')]);
export type HelpState = Static<typeof HelpState>;

/** One raised hand. */
export const HelpRequest = Type.Object({
  id: HelpRequestId,
  courseId: CourseId,
  assignmentId: AssignmentId,
  studentId: PersonId,
  studentName: Type.Optional(Type.String()),
  /** The student's section, when they have one. */
  section: Type.Optional(Type.String()),
  message: Type.String({ maxLength: MAX_HELP_MESSAGE_CHARS }),
  failingTest: Type.Optional(FailingTest),
  state: HelpState,
  /** Hub time the hand was raised. */
  raisedAt: Instant,
  /** The staff member helping (taken the request). */
  helperId: Type.Optional(PersonId),
  helperName: Type.Optional(Type.String()),
  takenAt: Type.Optional(Instant),
  /** Since when the helper views the student's terminal (the student is told). */
  terminalSince: Type.Optional(Instant),
  endedAt: Type.Optional(Instant),
  /** Who ended it (or lowered the hand). */
  endedBy: Type.Optional(PersonId),
  /** 1-based place in the course's queue of waiting hands, oldest first (waiting requests only). */
  position: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type HelpRequest = Static<typeof HelpRequest>;

/** `help/raise`: a student raises a hand for an assignment. */
export namespace RaiseHandRequest {
  export const method = 'help/raise';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Raise a hand for help with an assignment (students of the course), with a message and the failing test attached. One open hand per student per course: a second is refused (Conflict) until the first is lowered or ended.",
    params: Type.Object({
      courseId: CourseId,
      assignmentId: AssignmentId,
      message: Type.String({ maxLength: MAX_HELP_MESSAGE_CHARS }),
      failingTest: Type.Optional(FailingTest),
    }),
    result: Type.Object({ request: HelpRequest }),
  });
}

/** `help/lower`: the student lowers their hand. */
export namespace LowerHandRequest {
  export const method = 'help/lower';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Lower a raised hand (its student only): the request leaves the queue, and a session in progress ends (audit-logged).',
    params: Type.Object({ requestId: HelpRequestId }),
    result: Type.Object({ request: HelpRequest }),
  });
}

/** `help/queue`: the open hands of a course. */
export namespace ListHelpQueueRequest {
  export const method = 'help/queue';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Open help requests of a course (waiting and being helped). Staff: every one (waiting and being helped), the caller's sections first, then oldest first. A student: their own open one, with its place in the queue.",
    params: Type.Object({ courseId: CourseId }),
    result: Type.Object({ requests: Type.Array(HelpRequest), waiting: Type.Integer({ minimum: 0 }) }),
  });
}

/** `help/take`: staff take a waiting request. */
export namespace TakeHelpRequest {
  export const method = 'help/take';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Take a waiting request (staff of its course; audit-logged): it shows who is helping. A request already taken by someone else, lowered or ended is refused (Conflict).',
    params: Type.Object({ requestId: HelpRequestId }),
    result: Type.Object({ request: HelpRequest }),
  });
}

/** `help/follow`: the helper opens the student's live workspace. */
export namespace FollowHelpRequest {
  export const method = 'help/follow';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Follow the student of a request one is helping (taken first when waiting): start their workspace and return its gateway path, through which the helper reads the current files read-only. With `terminal`, the helper also views the student's terminal: the student is told on screen (events/helpChanged) until the session ends. Audit-logged.",
    params: Type.Object({ requestId: HelpRequestId, terminal: Type.Optional(Type.Boolean()) }),
    result: Type.Object({ request: HelpRequest, workspace: WorkspaceInfo, connectPath: Type.String() }),
  });
}

/** `help/end`: the session is over. */
export namespace EndHelpRequest {
  export const method = 'help/end';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "End a help request (staff of its course, or its student): it leaves the queue and the helper's view of the terminal ends (audit-logged).",
    params: Type.Object({ requestId: HelpRequestId }),
    result: Type.Object({ request: HelpRequest }),
  });
}

/** `events/helpChanged`: a help request was raised, taken, followed or closed. */
export namespace HelpChangedNotification {
  export const method = 'events/helpChanged';
  export const type = defineNotification({
    method,
    direction: 'serverToClient',
    description:
      "A help request changed (raised, taken, followed, terminal viewed, lowered, ended), or moved up the queue because a hand ahead of it left the waiting line (`moved`); sent to its student and the course staff.",
    params: Type.Object({
      request: HelpRequest,
      cause: Type.Union([
        Type.Literal('raised'),
        Type.Literal('taken'),
        Type.Literal('followed'),
        Type.Literal('terminal'),
        Type.Literal('lowered'),
        Type.Literal('ended'),
        Type.Literal('moved'),
      ]),
    }),
  });
}
