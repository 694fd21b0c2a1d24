// A diff of two submissions reads like any diff: the older on the left, the
// newer on the right, both sides named by student, number and time.

import * as assert from 'node:assert/strict';
import type { SubmissionSummary } from '@classpod/protocol';
import { diffSides, submissionDiffTitle, submissionLabel } from '../../../src/professor/submission-diff';

function submission(id: string, studentId: string, submittedAt: string): SubmissionSummary {
  return { id, courseId: 'cs101', assignmentId: 'c-sum', studentId, snapshotHash: 'ab'.repeat(32), submittedAt, source: 'submitted', late: false, penaltyPercent: 0, status: 'graded', fileCount: 1, totalBytes: 3 };
}

describe('submission diffs', function () {
  const first = submission('s1', 'ada', '2026-11-24T18:33:00.000Z');
  const second = submission('s2', 'ada', '2026-11-24T19:40:00.000Z');
  const ada = [second, first]; // newest first, as the cache lists them

  it('names a submission by student, number and time', function () {
    assert.equal(submissionLabel(first, 'Ada Lovelace', ada, 'UTC'), 'Ada Lovelace #1 · Tue, 24 Nov 2026, 18:33');
    assert.equal(submissionLabel(second, 'Ada Lovelace', ada, 'UTC'), 'Ada Lovelace #2 · Tue, 24 Nov 2026, 19:40');
  });

  it('puts the older submission on the left whichever was asked from', function () {
    const a = { submission: first, label: 'one' };
    const b = { submission: second, label: 'two' };
    assert.deepEqual(diffSides(b, a), { left: a, right: b });
    assert.deepEqual(diffSides(a, b), { left: a, right: b });
  });

  it("puts another student's older submission on the left too", function () {
    const grace = submission('g1', 'grace', '2026-11-23T09:00:00.000Z');
    const { left } = diffSides({ submission: second, label: 'ada' }, { submission: grace, label: 'grace' });
    assert.equal(left.label, 'grace');
  });

  it('labels both sides in the title', function () {
    assert.equal(submissionDiffTitle('sum.c', 'Ada Lovelace #1 · x', 'Ada Lovelace #2 · y'), 'sum.c (Ada Lovelace #1 · x ↔ Ada Lovelace #2 · y)');
  });
});
