// Assignments as students and staff see them: the list with deadlines, state and
// score; one assignment's description and PUBLIC test specification; its
// starter files; and, for staff, creating or updating one from a folder's
// content, and extending a student's deadline.

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';
import { AssignmentId, CourseId, Instant, PersonId } from './courses';
import { LateDayStanding } from './late-days';

/** Late policy: a penalty per started day after the due time, and a hard cut-off. */
export const LatePolicy = Type.Object({
  /** Percentage points taken off per started day late (0–100). */
  penaltyPercentPerDay: Type.Number({ minimum: 0, maximum: 100 }),
  /** After this instant submissions are refused; absent: no late submissions at all. */
  cutoffAt: Type.Optional(Instant),
  /** Late-day tokens the assignment takes at most (0: none); absent: as many as the student has. */
  maxLateDays: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type LatePolicy = Static<typeof LatePolicy>;

/** Where one student stands on one assignment. */
export const AssignmentState = Type.Union([
  Type.Literal('not started'),
  Type.Literal('in progress'),
  Type.Literal('submitted'),
  Type.Literal('late'),
  Type.Literal('graded'),
]);
export type AssignmentState = Static<typeof AssignmentState>;

/** A score set by a person, with why: the comment is shown to the student. */
export const ScoreOverride = Type.Object({
  score: Type.Number(),
  comment: Type.String(),
  authorId: PersonId,
  at: Instant,
});
export type ScoreOverride = Static<typeof ScoreOverride>;

/** An assignment's limits on official submissions (`submissions:` of its assignment.yaml). */
export const SubmissionLimits = Type.Object({
  /** Official submissions a student may make (before any extra attempts staff grant). */
  maxAttempts: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Least time between two official submissions of one student (seconds). */
  minIntervalSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type SubmissionLimits = Static<typeof SubmissionLimits>;

/**
 * Where one student stands against the limits, by the hub's clock. Only the
 * student's own submissions count: deadline collections and regrades do not.
 */
export const SubmissionAttempts = Type.Object({
  /** Official submissions made so far. */
  used: Type.Integer({ minimum: 0 }),
  /** Extra attempts staff granted this student (included in `allowed`). */
  extra: Type.Integer({ minimum: 0 }),
  /** Attempts allowed in all (`maxAttempts` + `extra`); absent: no limit. */
  allowed: Type.Optional(Type.Integer({ minimum: 0 })),
  /** `allowed` − `used` (never below 0); absent: no limit. */
  remaining: Type.Optional(Type.Integer({ minimum: 0 })),
  /** While the minimum interval since the last submission runs: when the next is allowed. */
  nextAllowedAt: Type.Optional(Instant),
});
export type SubmissionAttempts = Static<typeof SubmissionAttempts>;

/** One assignment in a list. */
export const AssignmentSummary = Type.Object({
  id: AssignmentId,
  courseId: CourseId,
  title: Type.String(),
  opensAt: Type.Optional(Instant),
  /** Due time for this student, extension included. */
  dueAt: Type.Optional(Instant),
  /** True when `dueAt` includes an extension granted to this student. */
  extended: Type.Boolean(),
  latePolicy: LatePolicy,
  /** State for the student named in the request (the caller when a student). */
  state: AssignmentState,
  /** Latest score (override included) and its maximum, when graded. */
  score: Type.Optional(Type.Number()),
  maxScore: Type.Optional(Type.Number()),
  /** Id of the latest submission (the one that counts), if any. */
  latestSubmissionId: Type.Optional(Type.String()),
  /** The latest submission's score as set by staff, with the comment the student reads. */
  override: Type.Optional(ScoreOverride),
  /** The student's late days here; absent when they have none in the course. */
  lateDays: Type.Optional(LateDayStanding),
  /** The assignment's limits on official submissions, when it has any. */
  submissionLimits: Type.Optional(SubmissionLimits),
  /** The student's attempts against those limits (views for one student only). */
  attempts: Type.Optional(SubmissionAttempts),
  /** When hidden tests' names are revealed to this student (the deadline that closes the assignment for them), when the assignment reveals them. */
  hiddenRevealAt: Type.Optional(Instant),
  /** A group assignment: the largest group. */
  groupMaxSize: Type.Optional(Type.Integer({ minimum: 2 })),
  /** The student's group on a group assignment (absent: they work alone): its members share its workspace and grade. */
  group: Type.Optional(
    Type.Object({
      groupId: Type.String(),
      members: Type.Array(Type.Object({ personId: PersonId, name: Type.Optional(Type.String()) })),
      /** The gateway path of the group's workspace. */
      connectPath: Type.String(),
    }),
  ),
});
export type AssignmentSummary = Static<typeof AssignmentSummary>;

/** `assignments/list`: a course's assignments with due times, state and score. */
export namespace ListAssignmentsRequest {
  export const method = 'assignments/list';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      'Assignments of a course with due time, state and score for the caller, or for `studentId` (staff). Students do not see assignments before they open.',
    params: Type.Object({ courseId: CourseId, studentId: Type.Optional(PersonId) }),
    result: Type.Object({ assignments: Type.Array(AssignmentSummary), serverTime: Instant }),
  });
}

/** A file in a listing (no content). */
export const SnapshotFile = Type.Object({
  /** Relative path with `/` separators. */
  path: Type.String({ maxLength: 1024 }),
  size: Type.Integer({ minimum: 0 }),
  /** sha256 of the content, hex. */
  sha256: Type.String({ maxLength: 64 }),
  /** POSIX mode bits (e.g. 420 = 0644). */
  mode: Type.Integer({ minimum: 0 }),
});
export type SnapshotFile = Static<typeof SnapshotFile>;

/** A file with its content, base64. */
export const FolderFile = Type.Object({
  path: Type.String({ minLength: 1, maxLength: 1024 }),
  contentBase64: Type.String(),
  mode: Type.Optional(Type.Integer({ minimum: 0, maximum: 0o7777 })),
});
export type FolderFile = Static<typeof FolderFile>;

/** `assignments/get`: one assignment's description and public test specification. */
export namespace GetAssignmentRequest {
  export const method = 'assignments/get';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'One assignment: description (Markdown), the PUBLIC test specification, starter file list.',
    params: Type.Object({ courseId: CourseId, assignmentId: AssignmentId, studentId: Type.Optional(PersonId) }),
    result: Type.Object({
      assignment: AssignmentSummary,
      /** Markdown. */
      description: Type.String(),
      /** The public part of the test specification (hidden tests removed), as the grader defines it. */
      publicSpec: Type.Unknown(),
      starterFiles: Type.Array(SnapshotFile),
      /** Public test data files written under `.classpod/tests/`. */
      publicTestFiles: Type.Array(SnapshotFile),
    }),
  });
}

/** `assignments/fetchStarter`: the starter files and the `.classpod/` files a student receives. */
export namespace FetchStarterRequest {
  export const method = 'assignments/fetchStarter';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      'Everything a student receives for an assignment: starter files plus `.classpod/` (assignment.json, README.md, public tests), content base64.',
    params: Type.Object({ courseId: CourseId, assignmentId: AssignmentId }),
    result: Type.Object({ files: Type.Array(FolderFile) }),
  });
}

/** `assignments/upsert`: staff create or replace an assignment from a folder's files. */
export namespace UpsertAssignmentRequest {
  export const method = 'assignments/upsert';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      'Create or update an assignment from the files of its folder (assignment.yaml, README.md, starter/, grading/spec.yaml and test data). Validates everything; with `dryRun` changes nothing. Answers with what students will receive.',
    params: Type.Object({
      courseId: CourseId,
      assignmentId: AssignmentId,
      files: Type.Array(FolderFile, { maxItems: 2000 }),
      dryRun: Type.Optional(Type.Boolean()),
    }),
    result: Type.Object({
      assignment: AssignmentSummary,
      created: Type.Boolean(),
      /** Paths (relative to the assignment folder in a workspace) each student receives. */
      studentFiles: Type.Array(Type.String()),
      /** Number of hidden test cases kept on the grader side only. */
      hiddenTests: Type.Integer({ minimum: 0 }),
      warnings: Type.Array(Type.String()),
    }),
  });
}

/** `deadlines/extend`: staff give one student a later due time. */
export namespace ExtendDeadlineRequest {
  export const method = 'deadlines/extend';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "Set one student's own due time for an assignment (audit-logged). `dueAt` replaces any earlier extension.",
    params: Type.Object({
      courseId: CourseId,
      assignmentId: AssignmentId,
      studentId: PersonId,
      dueAt: Instant,
      comment: Type.Optional(Type.String({ maxLength: 2000 })),
    }),
    result: Type.Object({ assignment: AssignmentSummary }),
  });
}
