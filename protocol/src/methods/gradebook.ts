// The gradebook: a course's students × assignments in one answer, so a
// professor's grade grid for a class of 300 is one request rather than one
// per student. Each cell is the submission that counts (the latest), as the
// grade export counts it.

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';
import { AssignmentState } from './assignments';
import { AssignmentId, CourseId, Instant, PersonId, Slug } from './courses';
import { GradingStatus, SubmissionId } from './submissions';

/** A column of the gradebook. */
export const GradebookAssignment = Type.Object({
  id: AssignmentId,
  title: Type.String(),
  /** The course's due time (a student's extension shows on their cell). */
  dueAt: Type.Optional(Instant),
  /** Points the assignment is worth, when its specification says. */
  maxScore: Type.Optional(Type.Number()),
});
export type GradebookAssignment = Static<typeof GradebookAssignment>;

/** A row of the gradebook: one enrolled student. */
export const GradebookStudent = Type.Object({
  id: PersonId,
  name: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  /** Withdrawn from the course: their submissions and grades are kept, and the class's statistics leave them out. */
  withdrawn: Type.Optional(Type.Literal(true)),
  /** Late days: the course's grant plus staff's grants, and what is left after the submissions that count; absent when the student has none. */
  lateDaysTotal: Type.Optional(Type.Integer({ minimum: 0 })),
  lateDaysRemaining: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Their section (from the roster or the invite they joined with): staff see their own section's students first. */
  section: Type.Optional(Slug),
});
export type GradebookStudent = Static<typeof GradebookStudent>;

/** One student's standing on one assignment. */
export const GradebookCell = Type.Object({
  studentId: PersonId,
  assignmentId: AssignmentId,
  /** not started, in progress (work in the workspace, nothing handed in), submitted, late or graded. */
  state: AssignmentState,
  /** The submission that counts (the latest); absent when nothing was handed in. */
  submissionId: Type.Optional(SubmissionId),
  /** Grading of that submission. */
  status: Type.Optional(GradingStatus),
  /** Final score: the override if any, else the graded score minus the penalty plus the rubric points, within [0, maxScore]. */
  score: Type.Optional(Type.Number()),
  maxScore: Type.Optional(Type.Number()),
  /** Sum of the rubric items applied to that submission (absent when none is). */
  rubricPoints: Type.Optional(Type.Number()),
  /** Handed in after the due time. */
  late: Type.Boolean(),
  /** Percentage points taken off for lateness. */
  penaltyPercent: Type.Number({ minimum: 0, maximum: 100 }),
  /** The score was set by staff. */
  overridden: Type.Boolean(),
  /** The student has their own due time for this assignment. */
  extended: Type.Boolean(),
  /** How many submissions the student made to it. */
  submissions: Type.Integer({ minimum: 0 }),
  /** Late days the submission that counts spent (hub/src/deadlines/late-days.ts); absent when none. */
  lateDaysUsed: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type GradebookCell = Static<typeof GradebookCell>;

/** `grades/book`: the whole grid of a course, for its staff. */
export namespace GetGradebookRequest {
  export const method = 'grades/book';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "A course's gradebook in one answer (staff only): its assignments in order, its enrolled students by id, and one cell per student and assignment with the submission that counts (the latest), its state, final score and whether it was late, overridden or extended.",
    params: Type.Object({ courseId: CourseId }),
    result: Type.Object({
      courseId: CourseId,
      assignments: Type.Array(GradebookAssignment),
      students: Type.Array(GradebookStudent),
      /** Student-major: every assignment of the first student, then the next. */
      cells: Type.Array(GradebookCell),
      serverTime: Instant,
    }),
  });
}
