// Pre-warming a course's workspaces before a lab session: a professor
// schedules a session (its start time and how long before it the class's
// workspaces start), the hub starts every student's workspace at that time by
// its own clock, and those nobody works in are stopped again by the idle rule,
// counted from the session's start.

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';
import { CourseId, Instant } from './courses';

/** What became of a scheduled session. */
export const PrewarmState = Type.Union([
  /** Waiting for its time. */
  Type.Literal('scheduled'),
  /** The class's workspaces were started. */
  Type.Literal('warmed'),
  /** The hub was not running between the warm-up time and the session's start: nothing was started. */
  Type.Literal('missed'),
  /** Cancelled by staff before its time. */
  Type.Literal('cancelled'),
]);
export type PrewarmState = Static<typeof PrewarmState>;

/** One scheduled lab session of a course. */
export const PrewarmSession = Type.Object({
  sessionId: Type.String(),
  courseId: CourseId,
  /** When the session starts (hub clock). */
  startsAt: Instant,
  /** Minutes before `startsAt` the workspaces start. */
  leadMinutes: Type.Integer({ minimum: 0 }),
  /** `startsAt` minus the lead time. */
  warmAt: Instant,
  label: Type.Optional(Type.String()),
  state: PrewarmState,
  /** When the workspaces were started (state `warmed`). */
  warmedAt: Type.Optional(Instant),
  /** Workspaces started (state `warmed`). */
  started: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Workspaces that did not start (state `warmed`). */
  failed: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type PrewarmSession = Static<typeof PrewarmSession>;

/** `workspaces/schedulePrewarm`: schedule a lab session whose workspaces start ahead of it (professors). */
export namespace SchedulePrewarmRequest {
  export const method = 'workspaces/schedulePrewarm';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Schedule a lab session: `leadMinutes` (default 10) before `startsAt` the hub starts every student's workspace of the course; one nobody works in is stopped by the course's idle rule, counted from `startsAt` (professors; audit-logged).",
    params: Type.Object({
      courseId: CourseId,
      startsAt: Instant,
      leadMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 24 * 60 })),
      label: Type.Optional(Type.String({ maxLength: 200 })),
    }),
    result: Type.Object({ session: PrewarmSession }),
  });
}

/** `workspaces/listPrewarm`: a course's scheduled sessions (staff). */
export namespace ListPrewarmRequest {
  export const method = 'workspaces/listPrewarm';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "A course's pre-warmed lab sessions, soonest first, past ones included (staff).",
    params: Type.Object({ courseId: CourseId }),
    result: Type.Object({ sessions: Type.Array(PrewarmSession) }),
  });
}

/** `workspaces/cancelPrewarm`: cancel a session that has not warmed yet (professors). */
export namespace CancelPrewarmRequest {
  export const method = 'workspaces/cancelPrewarm';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Cancel a scheduled session before its warm-up time; one already warmed, missed or cancelled is answered as it is (professors; audit-logged).',
    params: Type.Object({ sessionId: Type.String({ maxLength: 64 }) }),
    result: Type.Object({ session: PrewarmSession }),
  });
}
