// Apply Rubric… as a professor meets it: the quick pick's rows (points and
// descriptions, the applied items checked, in the rubric's order), the
// changes a choice makes, and the submission row's score with its rubric points.

import * as assert from 'node:assert/strict';
import type { SubmissionRubric, SubmissionSummary } from '@classpod/protocol';
import { rubricAppliedText, rubricChanges, rubricChoiceRows } from '../../../src/professor/rubric-choice';
import { submissionScore } from '../../../src/professor/cluster-presentation';
import { rubricPoints } from '../../../src/results/result-text';

const rubric: SubmissionRubric = {
  submissionId: 's_1',
  courseId: 'cs101',
  assignmentId: 'c-sum',
  items: [
    { id: 'style', points: 5, description: 'Clear names and consistent indentation' },
    { id: 'comments', points: 2.5, description: 'Comments explain why' },
    { id: 'no-input-check', points: -10, description: "Reads input without checking scanf's result" },
  ],
  applied: [{ itemId: 'no-input-check', points: -10, description: "Reads input without checking scanf's result", appliedBy: 'tara', appliedAt: '2026-12-01T10:00:00.000Z' }],
  points: -10,
};

describe('Apply Rubric… (plain logic)', () => {
  it('shows every item with its points and description, the applied ones checked, in order', () => {
    assert.deepEqual(rubricChoiceRows(rubric), [
      { itemId: 'style', label: '+5  Clear names and consistent indentation', description: 'style', picked: false },
      { itemId: 'comments', label: '+2.5  Comments explain why', description: 'comments', picked: false },
      { itemId: 'no-input-check', label: "−10  Reads input without checking scanf's result", description: 'no-input-check', picked: true },
    ]);
  });

  it('turns a choice into what to apply and what to unapply, ignoring unknown ids', () => {
    assert.deepEqual(rubricChanges(rubric, ['style', 'no-input-check']), { apply: ['style'], unapply: [] });
    assert.deepEqual(rubricChanges(rubric, ['comments']), { apply: ['comments'], unapply: ['no-input-check'] });
    assert.deepEqual(rubricChanges(rubric, ['no-input-check', 'elsewhere']), { apply: [], unapply: [] }, 'the same choice changes nothing');
    assert.deepEqual(rubricChanges(rubric, []), { apply: [], unapply: ['no-input-check'] });
  });

  it('writes points with their sign, and the submission row with its rubric points', () => {
    assert.deepEqual([rubricPoints(5), rubricPoints(-10), rubricPoints(0), rubricPoints(2.5)], ['+5', '−10', '0', '+2.5']);
    const s = { status: 'graded', score: 65, maxScore: 100, rubricPoints: -5 } as SubmissionSummary;
    assert.equal(submissionScore(s), '65/100 (rubric −5)');
    assert.equal(submissionScore({ ...s, rubricPoints: undefined }), '65/100');
    assert.equal(submissionScore({ ...s, override: { score: 90, comment: 'x', authorId: 'prof', at: '' } }), '65/100 (overridden)');
    assert.equal(rubricAppliedText(-5, '65/100 (rubric −5)'), 'Rubric −5 applied; the score is 65/100 (rubric −5).');
    assert.equal(rubricAppliedText(undefined, '70/100'), 'No rubric items applied; the score is 70/100.');
  });
});
