// Submissions: immutable content-addressed snapshots of a student's assignment
// folder, taken when the student submits or collected by the hub at the
// deadline; their grading results; and staff actions on them (regrade, score
// override, grade export).

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';
import { AssignmentId, CourseId, Instant, PersonId, WorkOwnerId } from './courses';
import { ScoreOverride, SnapshotFile, SubmissionAttempts } from './assignments';
import { GradeResult, OutputDiff, TestCaseResult, Verdict } from './grading';

/** Opaque submission id. */
export const SubmissionId = Type.String({ pattern: '^[a-z0-9_-]{1,64}$' });

/** Where a submission is in grading. */
export const GradingStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('grading'),
  Type.Literal('graded'),
  Type.Literal('failed'),
]);
export type GradingStatus = Static<typeof GradingStatus>;

/** One submission. */
export const SubmissionSummary = Type.Object({
  id: SubmissionId,
  courseId: CourseId,
  assignmentId: AssignmentId,
  studentId: WorkOwnerId,
  /** sha256 (hex) of the snapshot's manifest: names the content exactly. */
  snapshotHash: Type.String({ maxLength: 64 }),
  /** Hub time of the submission. */
  submittedAt: Instant,
  /** `submitted` by the student, or `collected` by the hub at the deadline. */
  source: Type.Union([Type.Literal('submitted'), Type.Literal('collected')]),
  late: Type.Boolean(),
  /** Percentage points taken off for lateness. */
  penaltyPercent: Type.Number({ minimum: 0, maximum: 100 }),
  /** Late-day tokens this submission spends (late days cover those days with no penalty), judged again when its deadline or the late days change; absent when none. */
  lateDaysUsed: Type.Optional(Type.Integer({ minimum: 1 })),
  status: GradingStatus,
  /** Final score: the override if any, else the graded score minus the penalty plus the rubric points, within [0, maxScore]. */
  score: Type.Optional(Type.Number()),
  maxScore: Type.Optional(Type.Number()),
  /** Sum of the rubric items applied (absent when none is). */
  rubricPoints: Type.Optional(Type.Number()),
  override: Type.Optional(ScoreOverride),
  fileCount: Type.Integer({ minimum: 0 }),
  totalBytes: Type.Integer({ minimum: 0 }),
});
export type SubmissionSummary = Static<typeof SubmissionSummary>;

/** `submissions/submit`: snapshot the caller's assignment folder in their workspace and queue grading. */
export namespace SubmitRequest {
  export const method = 'submissions/submit';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Snapshot the student's assignment folder in their workspace (the hub's clock decides lateness), store it, and queue grading. Refused after the cut-off, and (error `SubmissionLimit`, its data a `SubmissionLimitData`) beyond the assignment's attempt limit or sooner than its minimum interval after the previous submission.",
    params: Type.Object({ courseId: CourseId, assignmentId: AssignmentId }),
    result: Type.Object({
      submission: SubmissionSummary,
      serverTime: Instant,
      /** The student's attempts after this one, when the assignment limits them. */
      attempts: Type.Optional(SubmissionAttempts),
    }),
  });
}

/** `submissions/list`: submissions the caller may see, filtered. */
export namespace ListSubmissionsRequest {
  export const method = 'submissions/list';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Submissions of a course, newest first; students see only their own.',
    params: Type.Object({
      courseId: CourseId,
      assignmentId: Type.Optional(AssignmentId),
      studentId: Type.Optional(PersonId),
    }),
    result: Type.Object({ submissions: Type.Array(SubmissionSummary) }),
  });
}

/** `submissions/get`: one submission. */
export namespace GetSubmissionRequest {
  export const method = 'submissions/get';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'One submission with its grading status and score.',
    params: Type.Object({ submissionId: SubmissionId }),
    result: Type.Object({ submission: SubmissionSummary }),
  });
}

/** `submissions/files`: the snapshot's file list. */
export namespace ListSubmissionFilesRequest {
  export const method = 'submissions/files';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "The files of a submission's snapshot.",
    params: Type.Object({ submissionId: SubmissionId }),
    result: Type.Object({ files: Type.Array(SnapshotFile) }),
  });
}

/** `submissions/readFile`: one file of a snapshot. */
export namespace ReadSubmissionFileRequest {
  export const method = 'submissions/readFile';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "One file of a submission's snapshot, content base64.",
    params: Type.Object({ submissionId: SubmissionId, path: Type.String({ minLength: 1, maxLength: 1024 }) }),
    result: Type.Object({ path: Type.String(), contentBase64: Type.String(), size: Type.Integer(), sha256: Type.String() }),
  });
}

/**
 * One test's outcome as a person sees it: the grader's `TestCaseResult`, the
 * same fields with the same meaning, less what the viewer may not see.
 * Students get no message, measurements or difference for hidden tests, and
 * their names only when the assignment shows hidden test names.
 */
export const TestResultView = Type.Object({
  /** Absent for a hidden test whose name the assignment keeps from students. */
  name: Type.Optional(TestCaseResult.properties.name),
  /** Absent when `name` is. */
  group: Type.Optional(TestCaseResult.properties.group),
  public: TestCaseResult.properties.public,
  /** Hidden tests: the test's place (1-based) among the result's hidden tests. */
  hiddenIndex: Type.Optional(Type.Integer({ minimum: 1 })),
  verdict: Verdict,
  score: TestCaseResult.properties.score,
  maxScore: TestCaseResult.properties.maxScore,
  timeMs: Type.Optional(TestCaseResult.properties.timeMs),
  wallMs: Type.Optional(TestCaseResult.properties.wallMs),
  memoryKb: Type.Optional(TestCaseResult.properties.memoryKb),
  message: Type.Optional(TestCaseResult.properties.message),
  diff: Type.Optional(OutputDiff),
});
export type TestResultView = Static<typeof TestResultView>;

/** A grading result. */
export const GradingResult = Type.Object({
  submissionId: SubmissionId,
  status: GradingStatus,
  /** Score before penalty and override. */
  rawScore: Type.Optional(Type.Number()),
  score: Type.Optional(Type.Number()),
  maxScore: Type.Optional(Type.Number()),
  penaltyPercent: Type.Number(),
  /** Sum of the rubric items applied (absent when none is); `score` includes it. */
  rubricPoints: Type.Optional(Type.Number()),
  /** A score set by staff, with the comment the student reads. */
  override: Type.Optional(ScoreOverride),
  /** Whether this submission is the one that counts for the student's score (their latest). */
  counts: Type.Boolean(),
  tests: Type.Array(TestResultView),
  /** How many of `tests` are hidden ("hidden test 2 of 4"). */
  hiddenTests: Type.Integer({ minimum: 0 }),
  /** True when the hidden tests carry their names because the deadline passed and the assignment reveals them then. */
  hiddenRevealed: Type.Optional(Type.Boolean()),
  /** The build, as the grader reported it. */
  compile: Type.Optional(GradeResult.properties.compile),
  gradedAt: Type.Optional(Instant),
  /** What the score was computed from: spec hash, toolchain, sandbox, worker. */
  provenance: Type.Optional(Type.Record(Type.String(), Type.String())),
  /** Why grading failed (status `failed`). */
  error: Type.Optional(Type.String()),
});
export type GradingResult = Static<typeof GradingResult>;

/** `results/get`: the grading result of a submission. */
export namespace GetResultRequest {
  export const method = 'results/get';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Per-test result of a submission with verdict codes and output differences as data; students see only the verdict and score of hidden tests, named only when the assignment shows hidden test names, or reveals them after the deadline (the cut-off if any, the student's extension included) and it has passed.",
    params: Type.Object({ submissionId: SubmissionId }),
    result: Type.Object({ result: GradingResult }),
  });
}

/** `submissions/regrade`: staff queue grading again for one submission, one student, or one assignment. */
export namespace RegradeRequest {
  export const method = 'submissions/regrade';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Queue grading again: one submission, or the latest submission of each student for an assignment (optionally one student's). Audit-logged.",
    params: Type.Object({
      courseId: CourseId,
      submissionId: Type.Optional(SubmissionId),
      assignmentId: Type.Optional(AssignmentId),
      studentId: Type.Optional(PersonId),
    }),
    result: Type.Object({ queued: Type.Array(SubmissionId) }),
  });
}

/** `scores/override`: staff set a submission's score by hand, with a comment. */
export namespace OverrideScoreRequest {
  export const method = 'scores/override';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Set a submission's final score by hand, with a comment the student reads (audit-logged). `score` absent removes the override. The score must lie between 0 and the assignment's maximum plus the bonus points its assignment.yaml allows (`scores.bonusPoints`, default 0); anything else is refused.",
    params: Type.Object({
      submissionId: SubmissionId,
      score: Type.Optional(Type.Number({ minimum: 0, maximum: 100000 })),
      /** Shown to the student with the score. */
      comment: Type.String({ minLength: 1, maxLength: 4000 }),
    }),
    result: Type.Object({ submission: SubmissionSummary }),
  });
}

/** `grades/export`: the grades as CSV, of a course or one assignment (the course's also at `GET /v1/courses/<id>/grades.csv`). */
export namespace ExportGradesRequest {
  export const method = 'grades/export';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "The grades as CSV, one row per student and assignment with the submission that counts (the latest): student_id, name, email, assignment_id, submitted_at, late, penalty_percent, status, score (final), max_score, overridden, override_comment, submissions, rubric_points (sum of the applied rubric items), late_days_used, late_days_remaining (empty when the student has no late days). With assignmentId, that assignment's rows only.",
    params: Type.Object({ courseId: CourseId, assignmentId: Type.Optional(AssignmentId) }),
    result: Type.Object({ csv: Type.String(), fileName: Type.String() }),
  });
}
