// Limits on official submissions: what the hub says when it refuses one
// (error `SubmissionLimit` with a `SubmissionLimitData`), and staff granting
// a student extra attempts.

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';
import { AssignmentId, CourseId, PersonId } from './courses';
import { AssignmentSummary, SubmissionAttempts } from './assignments';

/** The data of a `SubmissionLimit` error: which rule refused, and where the student stands. */
export const SubmissionLimitData = Type.Object({
  /** `maxAttempts`: every allowed attempt is used; `minInterval`: too soon after the previous submission. */
  rule: Type.Union([Type.Literal('maxAttempts'), Type.Literal('minInterval')]),
  attempts: SubmissionAttempts,
});
export type SubmissionLimitData = Static<typeof SubmissionLimitData>;

/** Most extra attempts one grant may give. */
export const MAX_EXTRA_ATTEMPTS = 100;

/** `submissions/grantAttempts`: staff give one student extra official submissions. */
export namespace GrantAttemptsRequest {
  export const method = 'submissions/grantAttempts';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Give one student `extra` more official submissions of an assignment, on top of its `submissions.maxAttempts` and earlier grants (staff of the course; audit-logged). Answers with the student's view of the assignment, attempts included.",
    params: Type.Object({
      courseId: CourseId,
      assignmentId: AssignmentId,
      studentId: PersonId,
      extra: Type.Integer({ minimum: 1, maximum: MAX_EXTRA_ATTEMPTS }),
      comment: Type.Optional(Type.String({ maxLength: 2000 })),
    }),
    result: Type.Object({ assignment: AssignmentSummary }),
  });
}
