// The similarity check: a professor's look, pair by pair, at how alike the
// final submissions of one assignment are (and how alike they are to the
// same assignment's final submissions in earlier offerings kept in the hub).
// The comparison itself is Dolos's (tree-sitter tokens, winnowed k-grams);
// the hub runs it off the request path and keeps the result, so reopening
// a check is instant. It is evidence for a person to judge: it changes no
// score and records no verdict.

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';
import { AssignmentId, CourseId, Instant, PersonId, WorkOwnerId } from './courses';
import { SubmissionId } from './submissions';

/** Opaque id of a similarity check. */
export const SimilarityRunId = Type.String({ pattern: '^[a-z0-9_-]{1,64}$' });

/** Where a check stands: waiting for the one before it, comparing, finished, or stopped by a problem. */
export const SimilarityRunState = Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]);
export type SimilarityRunState = Static<typeof SimilarityRunState>;

/** A file left out of a check, and why (binary, too large, not in the check's language, unchanged starter file, over the limits). */
export const SimilaritySkippedFile = Type.Object({
  submissionId: SubmissionId,
  /** The student, or on a group assignment the group. */
  studentId: WorkOwnerId,
  path: Type.String(),
  reason: Type.String(),
});
export type SimilaritySkippedFile = Static<typeof SimilaritySkippedFile>;

/** One check of one assignment. */
export const SimilarityRun = Type.Object({
  id: SimilarityRunId,
  courseId: CourseId,
  assignmentId: AssignmentId,
  /** Earlier offerings (courses) whose final submissions of the same assignment were included. */
  earlierCourseIds: Type.Array(CourseId),
  state: SimilarityRunState,
  /** What the check is doing now, for a progress bar. */
  phase: Type.Optional(Type.String()),
  /** Steps done of `total` in the current phase. */
  done: Type.Integer({ minimum: 0 }),
  total: Type.Integer({ minimum: 0 }),
  /** Dolos's language for the files compared (e.g. `c`, `python`). */
  language: Type.Optional(Type.String()),
  /** Final submissions compared (this course's and the earlier offerings'). */
  submissionCount: Type.Integer({ minimum: 0 }),
  /** Files compared. */
  fileCount: Type.Integer({ minimum: 0 }),
  /** Pairs kept (the most similar first, at most the hub's limit). */
  pairCount: Type.Integer({ minimum: 0 }),
  /** Files left out, with the reason (at most 200 listed). */
  skipped: Type.Array(SimilaritySkippedFile),
  /** How many files were left out in all. */
  skippedCount: Type.Integer({ minimum: 0 }),
  /** Why the check failed, or a note (e.g. nothing to compare). */
  message: Type.Optional(Type.String()),
  requestedBy: PersonId,
  requestedAt: Instant,
  finishedAt: Type.Optional(Instant),
});
export type SimilarityRun = Static<typeof SimilarityRun>;

/** One side of a pair: a student's final submission and the file of it that matched best. */
export const SimilaritySide = Type.Object({
  submissionId: SubmissionId,
  /** The student, or on a group assignment the group. */
  studentId: WorkOwnerId,
  /** The student's name, or "Group g: Ana, Ben". */
  studentName: Type.Optional(Type.String()),
  courseId: CourseId,
  /** The file, relative to the submission's root. */
  path: Type.String(),
  /** The submission comes from an earlier offering, not the course checked. */
  earlier: Type.Boolean(),
});
export type SimilaritySide = Static<typeof SimilaritySide>;

/** Two students' submissions and how alike Dolos found them. */
export const SimilarityPair = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9_-]{1,64}$' }),
  /** 1 is the most similar pair of the check. */
  rank: Type.Integer({ minimum: 1 }),
  left: SimilaritySide,
  right: SimilaritySide,
  /** Dolos's similarity: the share of both files' fingerprints that they have in common (0–1). */
  similarity: Type.Number({ minimum: 0, maximum: 1 }),
  /** The longest run of shared fingerprints (k-grams). */
  longestFragment: Type.Integer({ minimum: 0 }),
  /** Shared fingerprints in all. */
  overlap: Type.Integer({ minimum: 0 }),
  /** How many matching fragments the pair has. */
  fragmentCount: Type.Integer({ minimum: 0 }),
});
export type SimilarityPair = Static<typeof SimilarityPair>;

/** A stretch of a file: rows and columns from 0, end inclusive of its row. */
export const SimilarityRegion = Type.Object({
  startRow: Type.Integer({ minimum: 0 }),
  startCol: Type.Integer({ minimum: 0 }),
  endRow: Type.Integer({ minimum: 0 }),
  endCol: Type.Integer({ minimum: 0 }),
});
export type SimilarityRegion = Static<typeof SimilarityRegion>;

/** Code that matches: where it is in the left file and where in the right. */
export const SimilarityFragment = Type.Object({ left: SimilarityRegion, right: SimilarityRegion });
export type SimilarityFragment = Static<typeof SimilarityFragment>;

/** `similarity/run`: start a check of an assignment (a professor of the course, and of every earlier offering named). */
export namespace RunSimilarityRequest {
  export const method = 'similarity/run';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Start a similarity check of an assignment's final submissions (the latest of each student), with Dolos, off the request path (professors of the course only; audit-logged). `earlierCourseIds` names earlier offerings whose final submissions of the same assignment id are included; the caller must be a professor of each. Unchanged starter files are left out and the starter code is Dolos's template, so code every student was given does not count. Answers at once with the queued check; a check of the same assignment already queued or running is answered instead of a new one. Changes no score.",
    params: Type.Object({
      courseId: CourseId,
      assignmentId: AssignmentId,
      earlierCourseIds: Type.Optional(Type.Array(CourseId, { maxItems: 20 })),
    }),
    result: Type.Object({ run: SimilarityRun }),
  });
}

/** `similarity/status`: a check, or the latest check of an assignment. */
export namespace SimilarityStatusRequest {
  export const method = 'similarity/status';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "Where a similarity check stands (professors of the course only): `runId`'s, else the latest check of `assignmentId`; no `run` when the assignment was never checked.",
    params: Type.Object({ courseId: CourseId, assignmentId: AssignmentId, runId: Type.Optional(SimilarityRunId) }),
    result: Type.Object({ run: Type.Optional(SimilarityRun) }),
  });
}

/** `similarity/pairs`: a finished check's pairs, the most similar first, a page at a time. */
export namespace ListSimilarityPairsRequest {
  export const method = 'similarity/pairs';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "A finished similarity check's pairs of students, ranked by similarity (then the longest fragment), one page at a time (professors of the course only).",
    params: Type.Object({
      runId: SimilarityRunId,
      offset: Type.Optional(Type.Integer({ minimum: 0 })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    }),
    result: Type.Object({ run: SimilarityRun, pairs: Type.Array(SimilarityPair), total: Type.Integer({ minimum: 0 }) }),
  });
}

/** The text of one side's file, for the side-by-side view. */
export const SimilarityFileText = Type.Object({
  path: Type.String(),
  /** UTF-8 text of the file as submitted. */
  content: Type.String(),
});

/** `similarity/fragments`: one pair's two files and the fragments that match, for a side-by-side view. */
export namespace GetSimilarityFragmentsRequest {
  export const method = 'similarity/fragments';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "One pair of a similarity check: both files as submitted and the fragments that match, longest first (professors of the course, and of the earlier offering when a side comes from one; every pair opened is audit-logged).",
    params: Type.Object({ runId: SimilarityRunId, pairId: Type.String({ pattern: '^[a-z0-9_-]{1,64}$' }) }),
    result: Type.Object({
      pair: SimilarityPair,
      left: SimilarityFileText,
      right: SimilarityFileText,
      fragments: Type.Array(SimilarityFragment),
    }),
  });
}
