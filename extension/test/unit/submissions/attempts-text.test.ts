import * as assert from 'node:assert/strict';
import { ErrorCode, ProtocolError, type AssignmentSummary, type GradingResult } from '@classpod/protocol';
import { presentAssignment } from '../../../src/courses/assignment-presentation';
import { resultReport } from '../../../src/results/result-report';
import { attemptsText, limitRefusalText, submissionLimitOf } from '../../../src/submissions/attempts-text';
import { confirmation, receipt } from '../../../src/submissions/receipt';

const now = new Date('2026-11-24T13:05:00Z');
const base: AssignmentSummary = {
  id: 'hello-c',
  courseId: 'cs101',
  title: 'Hello, C',
  dueAt: '2026-11-27T22:59:00Z',
  extended: false,
  latePolicy: { penaltyPercentPerDay: 10 },
  state: 'submitted',
  submissionLimits: { maxAttempts: 5, minIntervalSeconds: 600 },
  attempts: { used: 2, extra: 0, allowed: 5, remaining: 3, nextAllowedAt: '2026-11-24T13:20:00Z' },
};

describe('submission limits as a student reads them', function () {
  it('says how many submissions are left and, while waiting, when the next is allowed (in their time zone)', function () {
    assert.equal(attemptsText(base.attempts, now, 'UTC'), '3 of 5 submissions left · next submission allowed at 13:20');
    assert.equal(attemptsText(base.attempts, now, 'Europe/Paris'), '3 of 5 submissions left · next submission allowed at 14:20');
    assert.equal(attemptsText(base.attempts, new Date('2026-11-24T13:30:00Z'), 'UTC'), '3 of 5 submissions left', 'the interval is over');
    assert.equal(attemptsText({ used: 1, extra: 0, allowed: 1, remaining: 0 }, now, 'UTC'), 'no submissions left (1 of 1 used)');
    assert.equal(attemptsText({ used: 0, extra: 0, allowed: 1, remaining: 1 }, now, 'UTC'), '1 of 1 submission left');
    assert.equal(attemptsText({ used: 4, extra: 0, nextAllowedAt: '2026-11-25T08:00:00Z' }, now, 'UTC'), 'next submission allowed at Wed 25 Nov, 08:00');
    assert.equal(attemptsText({ used: 4, extra: 0 }, now, 'UTC'), undefined);
    assert.equal(attemptsText(undefined, now, 'UTC'), undefined);
  });

  it('shows them on the assignment row, in its tooltip, in the confirmation and on the receipt', function () {
    const p = presentAssignment(base, now, 'UTC');
    assert.equal(p.description, 'due in 3 days · submitted · 3 of 5 submissions left · next submission allowed at 13:20');
    assert.ok(p.tooltip.includes('Submissions: 3 of 5 submissions left · next submission allowed at 13:20'));
    const c = confirmation(base, now, 'UTC');
    assert.match(c.detail, /Submissions: 3 of 5 submissions left · next submission allowed at 13:20; this one uses one\./);
    const s = { id: 's_1', courseId: 'cs101', assignmentId: 'hello-c', studentId: 'alice', snapshotHash: 'a'.repeat(64), submittedAt: now.toISOString(), source: 'submitted', late: false, penaltyPercent: 0, status: 'queued', fileCount: 2, totalBytes: 10 } as const;
    const text = receipt('Hello, C', s, now.toISOString(), 'UTC', { used: 3, extra: 0, allowed: 5, remaining: 2, nextAllowedAt: '2026-11-24T13:15:00Z' });
    assert.match(text, /· 2 files\. 2 of 5 submissions left · next submission allowed at 13:15\.$/);
    assert.doesNotMatch(receipt('Hello, C', s, now.toISOString(), 'UTC'), /left/, 'no limit, no count');
  });

  it("reads the hub's refusal and says a waiting submission was dropped", function () {
    const err = new ProtocolError(ErrorCode.SubmissionLimit, 'hello-c allows one official submission every 10 minutes (2 of 5 used): the next is allowed at 2026-11-24T13:20:00.000Z', {
      rule: 'minInterval',
      attempts: base.attempts,
    });
    const refusal = submissionLimitOf(err)!;
    assert.equal(refusal.data?.rule, 'minInterval');
    assert.equal(submissionLimitOf(new ProtocolError(ErrorCode.Forbidden, 'no')), undefined);
    assert.equal(submissionLimitOf(new Error('x')), undefined);
    const text = limitRefusalText('Hello, C', refusal, now, true, 'UTC');
    assert.match(text, /^“Hello, C” was not submitted: hello-c allows one official submission every 10 minutes \(2 of 5 used\)/);
    assert.match(text, /Next submission allowed at 13:20\. The waiting submission was dropped; nothing was handed in\.$/);
    assert.doesNotMatch(limitRefusalText('Hello, C', refusal, now, false, 'UTC'), /dropped/);
  });

  it('names revealed hidden tests in Show Results, and says why', function () {
    const result: GradingResult = {
      submissionId: 's_1',
      status: 'graded',
      score: 30,
      maxScore: 100,
      penaltyPercent: 0,
      counts: true,
      hiddenTests: 2,
      hiddenRevealed: true,
      tests: [
        { name: 'small', group: 'examples', public: true, verdict: 'AC', score: 30, maxScore: 30 },
        { name: 'empty', group: 'edge-cases', public: false, hiddenIndex: 1, verdict: 'WA', score: 0, maxScore: 30 },
        { public: false, hiddenIndex: 2, verdict: 'AC', score: 0, maxScore: 40 },
      ],
    };
    const lines = resultReport('Hello, C', result);
    assert.ok(lines.includes('The deadline has passed: hidden tests are shown with their names.'), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('edge-cases/empty (hidden)')), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('hidden test 2 of 2')), lines.join('\n'));
  });
});
