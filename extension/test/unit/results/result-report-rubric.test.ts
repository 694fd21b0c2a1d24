// Show Results with a rubric and feedback: the score's sum explained (tests,
// late penalty, rubric, clamping), an override that replaces it, the applied
// items with their points, and the staff's threads at their files and lines;
// and the extras read from a hub that answers, or not.

import * as assert from 'node:assert/strict';
import { GetSubmissionRubricRequest, ListFeedbackRequest, type FeedbackComment, type GradingResult, type SubmissionRubric } from '@classpod/protocol';
import { resultReport, scoreSum } from '../../../src/results/result-report';
import { resultExtras } from '../../../src/results/result-extras';
import type { HubRequester } from '../../../src/professor/hub-requester';

const result: GradingResult = { submissionId: 's_1', status: 'graded', rawScore: 70, score: 75, maxScore: 100, penaltyPercent: 0, rubricPoints: 5, counts: true, tests: [], hiddenTests: 0 };
const rubric: SubmissionRubric = {
  submissionId: 's_1',
  courseId: 'cs101',
  assignmentId: 'c-sum',
  items: [
    { id: 'style', points: 5, description: 'Clear names' },
    { id: 'magic', points: -5, description: 'Unexplained constants' },
  ],
  applied: [{ itemId: 'style', points: 5, description: 'Clear names', appliedBy: 'prof', appliedByName: 'Prof. Ada', appliedAt: '2026-12-01T10:00:00.000Z' }],
  points: 5,
};
const comment = (id: string, threadId: string, body: string, authorName: string): FeedbackComment => ({
  id, threadId, submissionId: 's_1', courseId: 'cs101', assignmentId: 'c-sum', studentId: 'alice', path: 'sum.c', line: 2, endLine: 3, body, authorId: 'x', authorName, at: '2026-12-01T10:00:00.000Z',
});
const feedback = [comment('f_1', 'f_1', 'Read both numbers\nfirst.', 'Prof. Ada'), comment('f_2', 'f_1', 'And mind the overflow.', 'Tara')];

describe('Show Results with a rubric and feedback', () => {
  it('explains the sum, lists the applied items and the threads', () => {
    assert.deepEqual(resultReport('Sum', result, { rubric, feedback }), [
      '── Results of Sum (submission s_1) ──',
      'Score: 75/100',
      '  = 70 from the tests + 5 from the rubric',
      'Rubric (+5 in all):',
      '    +5  Clear names — Prof. Ada',
      'Feedback on your code (also shown on those lines of your files):',
      '  sum.c:2–3  Prof. Ada: Read both numbers first.',
      '    ↳ Tara: And mind the overflow.',
    ]);
  });

  it('says when the sum was kept within the maximum, after a late penalty, and when an override replaces it', () => {
    assert.equal(scoreSum({ ...result, rawScore: 100, score: 100 }), '  = 100 from the tests + 5 from the rubric = 105, kept within 0 and 100');
    assert.equal(scoreSum({ ...result, rawScore: 80, penaltyPercent: 10, rubricPoints: -10, score: 62 }), '  = 72 from the tests (after the late penalty) − 10 from the rubric');
    assert.equal(scoreSum({ ...result, rubricPoints: undefined }), undefined);
    const overridden = resultReport('Sum', { ...result, score: 90, override: { score: 90, comment: 'by hand', authorId: 'prof', at: '' } }, { rubric });
    assert.ok(overridden.includes('Score set to 90/100 by your professor (prof): “by hand” (it replaces the tests and the rubric)'), overridden.join('\n'));
    assert.ok(resultReport('Sum', result, { rubric: { ...rubric, applied: [], points: 0 } }).includes('Rubric: no items applied.'));
  });

  it('reads the rubric and the feedback of the submission, and shows the result alone when the hub does not answer', async () => {
    const asked: string[] = [];
    const hub: HubRequester = async (type, params) => {
      asked.push(`${type.method} ${JSON.stringify(params)}`);
      if (type.method === GetSubmissionRubricRequest.method) return { rubric } as never;
      if (type.method === ListFeedbackRequest.method) return { comments: feedback } as never;
      throw new Error('unexpected');
    };
    assert.deepEqual(await resultExtras(hub, 's_1'), { rubric, feedback });
    assert.deepEqual(asked, ['rubrics/submission {"submissionId":"s_1"}', 'feedback/list {"courseId":"cs101","assignmentId":"c-sum","submissionId":"s_1"}']);
    const errors: string[] = [];
    const old: HubRequester = async () => {
      throw new Error('method not found');
    };
    assert.deepEqual(await resultExtras(old, 's_1', (what) => errors.push(what)), {});
    assert.deepEqual(errors, ['rubric']);
  });
});
