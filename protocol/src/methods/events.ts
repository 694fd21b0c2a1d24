// Notifications the hub pushes to connected clients: a score changed, a
// submission was added, a workspace changed state. Each goes to the student it
// concerns and to the course's staff who are connected at the time.

import { Type } from '@sinclair/typebox';
import { defineNotification } from '../method';
import { AssignmentId, CourseId, WorkOwnerId } from './courses';
import { ScoreOverride } from './assignments';
import { SubmissionId, SubmissionSummary } from './submissions';
import { WorkspaceInfo } from './cluster';

/** `events/scoreChanged`: a submission was graded, regraded, or its score overridden. */
export namespace ScoreChangedNotification {
  export const method = 'events/scoreChanged';
  export const type = defineNotification({
    method,
    direction: 'serverToClient',
    description: "A submission's score changed (graded, regraded, overridden, its late penalty judged again); sent to its student and the course staff.",
    params: Type.Object({
      courseId: CourseId,
      assignmentId: AssignmentId,
      studentId: WorkOwnerId,
      submissionId: SubmissionId,
      status: Type.String(),
      score: Type.Optional(Type.Number()),
      maxScore: Type.Optional(Type.Number()),
      /** Sum of the rubric items applied (absent when none is); `score` includes it. */
      rubricPoints: Type.Optional(Type.Number()),
      /** `lateness`: the late penalty was judged again (an extension, late days granted, the assignment's dates changed). */
      cause: Type.Union([Type.Literal('graded'), Type.Literal('override'), Type.Literal('failed'), Type.Literal('rubric'), Type.Literal('lateness')]),
      /** With a `lateness` cause: the submission's lateness as it is now judged. */
      lateness: Type.Optional(
        Type.Object({
          late: Type.Boolean(),
          penaltyPercent: Type.Number({ minimum: 0, maximum: 100 }),
          /** Late-day tokens it spends now. */
          lateDaysUsed: Type.Integer({ minimum: 0 }),
        }),
      ),
      /**
       * Whether this submission is the one that counts for the student's score
       * (their latest). A regrade or override of an older one changes its history
       * only: clients update that submission and announce nothing.
       */
      counts: Type.Boolean(),
      /** The score set by staff, with the comment the student reads. */
      override: Type.Optional(ScoreOverride),
    }),
  });
}

/** `events/submissionAdded`: a new submission (submitted or collected at the deadline). */
export namespace SubmissionAddedNotification {
  export const method = 'events/submissionAdded';
  export const type = defineNotification({
    method,
    direction: 'serverToClient',
    description: 'A submission was stored (by the student or collected at the deadline).',
    params: Type.Object({ submission: SubmissionSummary }),
  });
}

/** `events/workspaceStatusChanged`: a workspace changed state. */
export namespace WorkspaceStatusChangedNotification {
  export const method = 'events/workspaceStatusChanged';
  export const type = defineNotification({
    method,
    direction: 'serverToClient',
    description: 'A workspace changed state; sent to its student and the course staff.',
    params: Type.Object({ workspace: WorkspaceInfo }),
  });
}
