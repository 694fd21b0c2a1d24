// Rubrics: the items (points and a description) an assignment is graded by
// beside its tests, declared in its assignment.yaml and editable by its
// professors. Staff apply items to a submission; the applied items' points
// add to the automatic score (clamped to [0, max]; an override still wins).
// The student reads the rubric of their own submissions.

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';
import { AssignmentId, CourseId, Instant, PersonId } from './courses';
import { SubmissionId, SubmissionSummary } from './submissions';

/** A rubric item's id, unique within its assignment. */
export const RubricItemId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' });

/** Most items a rubric may have (and a request may name). */
export const MAX_RUBRIC_ITEMS = 100;
/** Largest magnitude of an item's points. */
export const MAX_RUBRIC_POINTS = 100_000;

/** One item of an assignment's rubric. */
export const RubricItem = Type.Object({
  id: RubricItemId,
  /** Points it adds to the score; negative for a deduction. */
  points: Type.Number({ minimum: -MAX_RUBRIC_POINTS, maximum: MAX_RUBRIC_POINTS }),
  /** What earns it, as the student reads it. */
  description: Type.String({ minLength: 1, maxLength: 500 }),
}, { additionalProperties: false });
export type RubricItem = Static<typeof RubricItem>;

/** An item applied to a submission. */
export const AppliedRubricItem = Type.Object({
  itemId: RubricItemId,
  points: Type.Number(),
  description: Type.String(),
  appliedBy: PersonId,
  appliedByName: Type.Optional(Type.String()),
  appliedAt: Instant,
});
export type AppliedRubricItem = Static<typeof AppliedRubricItem>;

/** The rubric of one submission: its assignment's items and those applied. */
export const SubmissionRubric = Type.Object({
  submissionId: SubmissionId,
  courseId: CourseId,
  assignmentId: AssignmentId,
  /** The assignment's rubric, in order. */
  items: Type.Array(RubricItem),
  /** The items applied to this submission, in the rubric's order. */
  applied: Type.Array(AppliedRubricItem),
  /** The sum of the applied items' points. */
  points: Type.Number(),
});
export type SubmissionRubric = Static<typeof SubmissionRubric>;

/** `rubrics/get`: an assignment's rubric (staff of its course). */
export namespace GetRubricRequest {
  export const method = 'rubrics/get';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "An assignment's rubric items, in order, and how many submissions each is applied to (staff of its course).",
    params: Type.Object({ courseId: CourseId, assignmentId: AssignmentId }),
    result: Type.Object({
      items: Type.Array(RubricItem),
      /** How many submissions each item is applied to, by item id; an item applied to none is absent. */
      appliedTo: Type.Record(Type.String(), Type.Integer({ minimum: 1 })),
    }),
  });
}

/** `rubrics/set`: replace an assignment's rubric (professors; audit-logged). */
export namespace SetRubricRequest {
  export const method = 'rubrics/set';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Replace an assignment's rubric (professors of its course; audit-logged). Ids are unique. An item removed is unapplied from every submission; an item whose points change changes the score of every submission it is applied to.",
    params: Type.Object({
      courseId: CourseId,
      assignmentId: AssignmentId,
      items: Type.Array(RubricItem, { maxItems: MAX_RUBRIC_ITEMS }),
    }),
    result: Type.Object({
      items: Type.Array(RubricItem),
      /** How many submissions' scores changed. */
      rescored: Type.Integer({ minimum: 0 }),
    }),
  });
}

/** `rubrics/submission`: the rubric of one submission (its student or the course's staff). */
export namespace GetSubmissionRubricRequest {
  export const method = 'rubrics/submission';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "A submission's rubric: its assignment's items and the items applied, with their sum (the submission's student, or the staff of its course).",
    params: Type.Object({ submissionId: SubmissionId }),
    result: Type.Object({ rubric: SubmissionRubric }),
  });
}

/** `rubrics/apply`: apply and unapply items of a submission's rubric (staff; each audit-logged). */
export namespace ApplyRubricRequest {
  export const method = 'rubrics/apply';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Apply (`apply`) and unapply (`unapply`) items of the rubric of a submission's assignment (staff of its course; each change audit-logged). Applied items' points add to the automatic score, clamped to [0, max]; an override still wins. Applying an applied item or unapplying one that is not applied changes nothing.",
    params: Type.Object({
      submissionId: SubmissionId,
      apply: Type.Optional(Type.Array(RubricItemId, { maxItems: MAX_RUBRIC_ITEMS })),
      unapply: Type.Optional(Type.Array(RubricItemId, { maxItems: MAX_RUBRIC_ITEMS })),
    }),
    result: Type.Object({ rubric: SubmissionRubric, submission: SubmissionSummary }),
  });
}
