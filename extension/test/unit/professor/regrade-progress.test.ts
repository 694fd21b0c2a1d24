// A regrade is followed to its end: how many of the queued submissions the
// grader finished, and the new result the professor reads when it is done.

import * as assert from 'node:assert/strict';
import type { SubmissionSummary } from '@classpod/protocol';
import { regradeDoneText, regradeProgress, regradeProgressText } from '../../../src/professor/regrade-progress';

function submission(id: string, status: SubmissionSummary['status'], score?: number): SubmissionSummary {
  return {
    id,
    courseId: 'cs101',
    assignmentId: 'c-sum',
    studentId: 'ada',
    snapshotHash: 'ab'.repeat(32),
    submittedAt: '2026-11-24T18:33:00.000Z',
    source: 'submitted',
    late: false,
    penaltyPercent: 0,
    status,
    fileCount: 1,
    totalBytes: 3,
    ...(score !== undefined ? { score, maxScore: 100 } : {}),
  };
}

describe('following a regrade', function () {
  it('counts queued and grading as pending, and a submission it does not know too', function () {
    const known = new Map([
      ['a', submission('a', 'queued')],
      ['b', submission('b', 'grading')],
      ['c', submission('c', 'graded', 100)],
      ['d', submission('d', 'failed')],
    ]);
    const p = regradeProgress(['a', 'b', 'c', 'd', 'gone'], (id) => known.get(id));
    assert.deepEqual(p, { total: 5, graded: 1, failed: 1, pending: 3 });
    assert.equal(regradeProgressText(p), '2 of 5 graded');
  });

  it("tells the new score of one student's submission", function () {
    const s = submission('a', 'graded', 100);
    const p = regradeProgress(['a'], () => s);
    assert.equal(p.pending, 0);
    assert.equal(regradeDoneText(p, { who: 'Ada Lovelace', submission: s }), "Regraded Ada Lovelace's submission: 100/100.");
  });

  it('says when grading failed', function () {
    const s = submission('a', 'failed');
    assert.equal(regradeDoneText(regradeProgress(['a'], () => s), { who: 'Ada Lovelace', submission: s }), "Regraded Ada Lovelace's submission: grading failed.");
  });

  it('counts the results of many', function () {
    const all = new Map([
      ['a', submission('a', 'graded', 10)],
      ['b', submission('b', 'graded', 20)],
      ['c', submission('c', 'failed')],
    ]);
    assert.equal(regradeDoneText(regradeProgress(['a', 'b', 'c'], (id) => all.get(id)), undefined), 'Regraded 3 submissions: 2 graded, 1 failed.');
    assert.equal(regradeDoneText(regradeProgress(['a', 'b'], (id) => all.get(id)), undefined), 'Regraded 2 submissions: 2 graded.');
  });
});
