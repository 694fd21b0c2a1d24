// Late-day tokens: a course grants every student a number of late days, an
// assignment may cap how many it takes, and the hub spends them automatically
// when a submission is late (the rule: hub/src/deadlines/late-days.ts). Here:
// where a student stands, and staff granting one student more.

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';
import { CourseId, Instant, PersonId } from './courses';

/** Most late days a course grants, or staff grant at once. */
export const MAX_LATE_DAYS = 365;

/** A student's late days on one assignment; present only when the student has late days in the course. */
export const LateDayStanding = Type.Object({
  /** Late days the student has left in the course, after every submission that counts. */
  remaining: Type.Integer({ minimum: 0 }),
  /** Late days this assignment may use now (its cap; what its own submission spent counted back). */
  allowed: Type.Integer({ minimum: 0 }),
  /** Late days the submission that counts spent on this assignment. */
  used: Type.Integer({ minimum: 0 }),
  /** The last instant a submission is taken, the cut-off moved by `allowed` days (hub time); absent without a due time. */
  lastSubmissionAt: Type.Optional(Instant),
});
export type LateDayStanding = Static<typeof LateDayStanding>;

/** A student's late days in a course. */
export const LateDayAccountView = Type.Object({
  studentId: PersonId,
  /** The course's grant plus staff's grants to this student. */
  total: Type.Integer({ minimum: 0 }),
  used: Type.Integer({ minimum: 0 }),
  remaining: Type.Integer({ minimum: 0 }),
});
export type LateDayAccountView = Static<typeof LateDayAccountView>;

/** `lateDays/grant`: professors give one student extra late days. */
export namespace GrantLateDaysRequest {
  export const method = 'lateDays/grant';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: `Give one student of the course extra late days (1 to ${MAX_LATE_DAYS} at a time; professors only; audit-logged as lateDays.grant). Answers the student's account.`,
    params: Type.Object({
      courseId: CourseId,
      studentId: PersonId,
      days: Type.Integer({ minimum: 1, maximum: MAX_LATE_DAYS }),
      comment: Type.Optional(Type.String({ maxLength: 2000 })),
    }),
    result: Type.Object({ account: LateDayAccountView }),
  });
}
