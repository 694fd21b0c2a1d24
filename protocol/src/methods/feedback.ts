// Feedback on code: comments that staff write on lines of a submitted file,
// kept at the hub, in threads (a thread is a file's line range in one
// submission; its first comment names it). Staff write them on the
// submission's read-only files; the student reads them on the same lines of
// their own file.

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';
import { AssignmentId, CourseId, Instant, PersonId, WorkOwnerId } from './courses';
import { SubmissionId } from './submissions';

/** Opaque comment id. */
export const FeedbackCommentId = Type.String({ pattern: '^[a-z0-9_-]{1,64}$' });

/** Longest comment (characters). */
export const MAX_FEEDBACK_CHARS = 10_000;

/** One comment. */
export const FeedbackComment = Type.Object({
  id: FeedbackCommentId,
  /** The first comment of the thread this one belongs to (its own id when it starts the thread). */
  threadId: FeedbackCommentId,
  submissionId: SubmissionId,
  courseId: CourseId,
  assignmentId: AssignmentId,
  studentId: WorkOwnerId,
  /** The file, relative to the submission's root (`/` separators). */
  path: Type.String({ minLength: 1, maxLength: 1024 }),
  /** First line commented on (1-based). */
  line: Type.Integer({ minimum: 1 }),
  /** Last line commented on (1-based, at least `line`). */
  endLine: Type.Integer({ minimum: 1 }),
  /** Markdown. */
  body: Type.String({ minLength: 1, maxLength: MAX_FEEDBACK_CHARS }),
  authorId: PersonId,
  authorName: Type.Optional(Type.String()),
  /** Hub time it was written. */
  at: Instant,
});
export type FeedbackComment = Static<typeof FeedbackComment>;

/** `feedback/add`: staff comment on lines of a submitted file, or reply to a thread. */
export namespace AddFeedbackRequest {
  export const method = 'feedback/add';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Comment on lines of a submission's file (staff of its course; audit-logged). With `threadId` the comment answers that thread (same file and lines); else `path` must be a file of the submission's snapshot and the lines must lie within it.",
    params: Type.Object({
      submissionId: SubmissionId,
      threadId: Type.Optional(FeedbackCommentId),
      path: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
      line: Type.Optional(Type.Integer({ minimum: 1 })),
      endLine: Type.Optional(Type.Integer({ minimum: 1 })),
      body: Type.String({ minLength: 1, maxLength: MAX_FEEDBACK_CHARS }),
    }),
    result: Type.Object({ comment: FeedbackComment }),
  });
}

/** `feedback/list`: the comments on a student's submissions to an assignment, oldest first. */
export namespace ListFeedbackRequest {
  export const method = 'feedback/list';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Comments on the submissions of one student to one assignment, oldest first: the caller's own for a student; `studentId`'s for staff (required). With `submissionId`, that submission's only.",
    params: Type.Object({
      courseId: CourseId,
      assignmentId: AssignmentId,
      studentId: Type.Optional(PersonId),
      submissionId: Type.Optional(SubmissionId),
    }),
    result: Type.Object({ comments: Type.Array(FeedbackComment) }),
  });
}
