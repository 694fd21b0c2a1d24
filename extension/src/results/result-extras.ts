// What Show Results adds to a grading result: the submission's rubric and
// the staff's comments on lines of its files, each read from the hub. A hub
// that does not answer one of them (an older hub) leaves it out; the result
// itself is still shown.

import { GetSubmissionRubricRequest, ListFeedbackRequest } from '@classpod/protocol';
import type { HubRequester } from '../professor/hub-requester';
import type { ResultExtras } from './result-report';

/** The rubric and the feedback of submission `submissionId`, whichever the hub gives. */
export async function resultExtras(request: HubRequester, submissionId: string, onError: (what: string, err: unknown) => void = () => {}): Promise<ResultExtras> {
  const extras: ResultExtras = {};
  try {
    extras.rubric = (await request(GetSubmissionRubricRequest.type, { submissionId })).rubric;
  } catch (err) {
    onError('rubric', err);
    return extras;
  }
  try {
    const { courseId, assignmentId } = extras.rubric;
    extras.feedback = (await request(ListFeedbackRequest.type, { courseId, assignmentId, submissionId })).comments;
  } catch (err) {
    onError('feedback', err);
  }
  return extras;
}
