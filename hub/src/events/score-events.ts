// The `events/scoreChanged` a submission's new score sends: to its student
// and the course's staff, saying whether the submission is the one that
// counts (so a regrade or override of an older one updates history without
// being announced as the student's score) and carrying the override with the
// comment the student reads.

import { ScoreChangedNotification, type ParamsOf } from '@classpod/protocol';
import { submissionScore } from '../grading/submission-score';
import { submissionCounts } from '../grading/grade-book';
import type { Submission } from '../store/records';
import type { Store } from '../store/store';
import type { EventHub } from './event-hub';

type ScoreChanged = ParamsOf<typeof ScoreChangedNotification.type>;
export type ScoreChangeCause = ScoreChanged['cause'];

/** The event's parameters for submission `s` as it is now. */
export async function scoreChangedParams(store: Store, s: Submission, cause: ScoreChangeCause): Promise<ScoreChanged> {
  const score = submissionScore(s);
  return {
    courseId: s.courseId,
    assignmentId: s.assignmentId,
    studentId: s.studentId,
    submissionId: s.id,
    status: s.status,
    ...(score !== undefined ? { score } : {}),
    ...(s.maxScore !== undefined ? { maxScore: s.maxScore } : {}),
    ...(s.rubricPoints !== undefined ? { rubricPoints: s.rubricPoints } : {}),
    cause,
    ...(cause === 'lateness' ? { lateness: { late: s.late, penaltyPercent: s.penaltyPercent, lateDaysUsed: s.lateDaysUsed ?? 0 } } : {}),
    counts: await submissionCounts(store, s),
    ...(s.override ? { override: s.override } : {}),
  };
}

/** Tell the student and the staff that `s` has a new score. */
export async function publishScoreChanged(events: EventHub, store: Store, s: Submission, cause: ScoreChangeCause): Promise<void> {
  await events.publish(ScoreChangedNotification.type, await scoreChangedParams(store, s, cause), { courseId: s.courseId, studentId: s.studentId });
}
