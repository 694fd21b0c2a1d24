// Course administration for professors: create a course, read and change its
// settings (title, grading policy, idle time of its workspaces), and change an
// assignment's dates and late policy without uploading its folder again.

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';
import { AssignmentId, CourseId, Instant } from './courses';
import { MAX_LATE_DAYS } from './late-days';

/** The sandboxes whose grades may be official. */
export const SandboxName = Type.Union([Type.Literal('isolate'), Type.Literal('local'), Type.Literal('none')]);

/** A course's settings. */
export const CourseSettings = Type.Object({
  courseId: CourseId,
  title: Type.String({ minLength: 1, maxLength: 200 }),
  /** The course's own grading policy (narrowing the deployment's); absent: the deployment's. */
  officialSandboxes: Type.Optional(Type.Array(SandboxName, { minItems: 1, maxItems: 3 })),
  /** Minutes a workspace may be idle before it is stopped; absent: the deployment's default. */
  idleMinutes: Type.Optional(Type.Number({ minimum: 1, maximum: 1440 })),
  /** Late days every student of the course has (hub/src/deadlines/late-days.ts); absent: none. */
  lateDays: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_LATE_DAYS })),
});
export type CourseSettings = Static<typeof CourseSettings>;

/** `courses/create`: administrators, and professors of any course. */
export namespace CreateCourseRequest {
  export const method = 'courses/create';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Create a course; its creator becomes its professor. Administrators and professors (of any course) may; an existing id is a Conflict.',
    params: Type.Object({ courseId: CourseId, title: Type.String({ minLength: 1, maxLength: 200 }) }),
    result: Type.Object({ settings: CourseSettings }),
  });
}

/** `courses/settings`: professors only. */
export namespace GetCourseSettingsRequest {
  export const method = 'courses/settings';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "A course's settings: title, grading policy, workspaces' idle time.",
    params: Type.Object({ courseId: CourseId }),
    result: Type.Object({ settings: CourseSettings }),
  });
}

/** `courses/update`: professors only. */
export namespace UpdateCourseRequest {
  export const method = 'courses/update';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Change a course\'s settings (title, grading policy, idle time, late days per student); a field left out stays, null returns it to the deployment\'s default. Audit-logged as course.update.',
    params: Type.Object({
      courseId: CourseId,
      title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      officialSandboxes: Type.Optional(Type.Union([Type.Array(SandboxName, { minItems: 1, maxItems: 3 }), Type.Null()])),
      idleMinutes: Type.Optional(Type.Union([Type.Number({ minimum: 1, maximum: 1440 }), Type.Null()])),
      /** Late days every student has; null: none. */
      lateDays: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: MAX_LATE_DAYS }), Type.Null()])),
    }),
    result: Type.Object({ settings: CourseSettings }),
  });
}

/** `assignments/setDates`: professors only. */
export namespace SetAssignmentDatesRequest {
  export const method = 'assignments/setDates';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Change an assignment's opening and due times, late cut-off and penalty per day (a field left out stays, null removes it). Students' workspaces get the new due time; extensions stay. Audit-logged as assignment.dates.",
    params: Type.Object({
      courseId: CourseId,
      assignmentId: AssignmentId,
      opensAt: Type.Optional(Type.Union([Instant, Type.Null()])),
      dueAt: Type.Optional(Type.Union([Instant, Type.Null()])),
      cutoffAt: Type.Optional(Type.Union([Instant, Type.Null()])),
      penaltyPercentPerDay: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    }),
    result: Type.Object({
      opensAt: Type.Optional(Instant),
      dueAt: Type.Optional(Instant),
      cutoffAt: Type.Optional(Instant),
      penaltyPercentPerDay: Type.Number(),
    }),
  });
}
