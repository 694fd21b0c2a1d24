// What a person reads of a result: every verdict code's name and mark, test
// labels (hidden tests by place unless named), the difference as text and as
// diff documents, and the Show Results report with an override's comment.

import * as assert from 'node:assert/strict';
import { VERDICTS, type GradingResult, type TestResultView, type Verdict } from '@classpod/protocol';
import { resultReport } from '../../../src/results/result-report';
import {
  diffDocuments,
  diffLines,
  messageDetail,
  passMark,
  testLabel,
  testLine,
  verdictAndMessage,
  verdictCounts,
  verdictName,
} from '../../../src/results/result-text';
import { verdictSummary } from '../../../src/professor/cluster-presentation';

const test = (verdict: Verdict, extra: Partial<TestResultView> = {}): TestResultView => ({
  name: 'small',
  group: 'examples',
  public: true,
  verdict,
  score: verdict === 'AC' ? 15 : 0,
  maxScore: 15,
  ...extra,
});

describe('verdict words and marks', function () {
  it('gives every verdict code its own name, and ✔ to AC alone', function () {
    const names: Record<Verdict, string> = {
      AC: 'Accepted',
      WA: 'Wrong answer',
      TLE: 'Time limit exceeded',
      WLE: 'Wall-clock limit exceeded',
      MLE: 'Memory limit exceeded',
      RE: 'Runtime error',
      OLE: 'Output limit exceeded',
      CE: 'Compilation error',
      SE: 'System error',
    };
    assert.deepEqual([...VERDICTS].sort(), Object.keys(names).sort(), 'every code the protocol defines is named here');
    for (const v of VERDICTS) {
      assert.equal(verdictName(v), names[v], v);
      assert.equal(passMark({ verdict: v }), v === 'AC' ? '✔' : '✘', v);
      assert.match(testLine(test(v), 0), new RegExp(`^${v === 'AC' ? '✔' : '✘'} examples/small: ${names[v]} — `), v);
    }
  });

  it('marks a test at full points ✔ with its score: "✔ examples/small: Accepted — 15/15"', function () {
    assert.equal(testLine(test('AC', { message: 'accepted' }), 0), '✔ examples/small: Accepted — 15/15');
    assert.equal(
      testLine(test('AC', { message: 'accepted (memory not limited on this machine)' }), 0),
      '✔ examples/small: Accepted — 15/15 — memory not limited on this machine',
      'the sandbox note, without the verdict said twice',
    );
  });

  it('says the verdict once, then the grader\'s detail', function () {
    const wa = test('WA', { message: 'wrong answer: line 2: expected "3", got "4"' });
    assert.equal(messageDetail(wa), 'line 2: expected "3", got "4"');
    assert.equal(verdictAndMessage(wa), 'Wrong answer: line 2: expected "3", got "4"');
    assert.equal(testLine(wa, 0), '✘ examples/small: Wrong answer — 0/15 — line 2: expected "3", got "4"');
    assert.equal(verdictAndMessage(test('RE', { message: 'runtime error: exit code 3' })), 'Runtime error: exit code 3');
    assert.equal(verdictAndMessage(test('TLE', { message: 'CPU time limit exceeded (1000 ms)' })), 'Time limit exceeded: CPU time limit exceeded (1000 ms)');
    assert.equal(verdictAndMessage(test('MLE', { message: 'memory limit exceeded (64 MiB)' })), 'Memory limit exceeded: 64 MiB');
    assert.equal(verdictAndMessage(test('AC', { message: '' })), 'Accepted');
  });

  it('shows an unknown code as itself rather than as another verdict', function () {
    assert.equal(verdictName('XYZ'), 'XYZ');
    assert.equal(passMark({ verdict: 'XYZ' as Verdict }), '✘');
  });

  it('counts verdicts by name', function () {
    assert.equal(verdictCounts([test('AC'), test('WLE'), test('OLE'), test('WLE')]), '1/4 passed · 2 Wall-clock limit exceeded · 1 Output limit exceeded');
  });
});

describe('test labels', function () {
  it('calls a hidden test by its place unless its name may be shown', function () {
    assert.equal(testLabel({ public: false, hiddenIndex: 2 }, 4), 'hidden test 2 of 4');
    assert.equal(testLabel({ name: 'overflow', group: 'big-numbers', public: false, hiddenIndex: 2 }, 4), 'big-numbers/overflow (hidden)');
    assert.equal(testLabel({ name: 'small', group: 'examples', public: true }, 4), 'examples/small');
    assert.equal(testLine({ public: false, hiddenIndex: 3, verdict: 'TLE', score: 0, maxScore: 10 }, 4), '✘ hidden test 3 of 4: Time limit exceeded — 0/10');
  });
});

describe('the difference as the views show it', function () {
  const diff = {
    line: 2,
    column: 3,
    expected: { fromLine: 1, lines: ['10', '2.500'], more: false },
    actual: { fromLine: 1, lines: ['10', '2'], more: true },
  };

  it('renders where, and the numbered expected and actual lines', function () {
    assert.deepEqual(diffLines(diff), [
      'Output differs at line 2, column 3:',
      '  expected:',
      '       1 | 10',
      '  >    2 | 2.500',
      '  yours:',
      '       1 | 10',
      '  >    2 | 2',
      '         | …',
    ]);
    assert.equal(diffLines({ ...diff, file: 'out.txt' })[0], 'out.txt differs at line 2, column 3:');
  });

  it('gives the diff editor both sides', function () {
    assert.deepEqual(diffDocuments(diff), { expected: '10\n2.500\n', actual: '10\n2\n…\n' });
  });
});

describe('Show Results', function () {
  const result: GradingResult = {
    submissionId: 'sub-1',
    status: 'graded',
    rawScore: 100,
    score: 100,
    maxScore: 100,
    penaltyPercent: 0,
    counts: true,
    hiddenTests: 1,
    tests: [test('AC', { message: 'accepted' }), { public: false, hiddenIndex: 1, verdict: 'AC', score: 85, maxScore: 85 }],
  };

  it('marks every test ✔ at 100/100', function () {
    const lines = resultReport('Sum and mean (C)', result);
    assert.deepEqual(lines, [
      '── Results of Sum and mean (C) (submission sub-1) ──',
      'Score: 100/100',
      '✔ examples/small: Accepted — 15/15',
      '✔ hidden test 1 of 1: Accepted — 85/85',
    ]);
    assert.equal(verdictSummary(result), '2/2 passed');
  });

  it('prints the override with the comment the student reads', function () {
    const o = { score: 9, comment: 'Correct; the checker missed a trailing newline.', authorId: 'prof', at: '2026-11-25T10:00:00.000Z' };
    const lines = resultReport('Hello', { ...result, score: 9, maxScore: 10, override: o });
    assert.ok(lines.includes('Score: 9/10'));
    assert.ok(lines.includes('Score set to 9/10 by your professor (prof): “Correct; the checker missed a trailing newline.”'), lines.join('\n'));
  });

  it('says when the submission is not the one that counts, and prints the difference of a failing test', function () {
    const wa = test('WA', {
      message: 'wrong answer: line 2: expected "2.500", got "2"',
      diff: { line: 2, column: 1, expected: { fromLine: 1, lines: ['10', '2.500'], more: false }, actual: { fromLine: 1, lines: ['10', '2'], more: false } },
    });
    const lines = resultReport('Sum', { ...result, counts: false, score: 0, tests: [wa], hiddenTests: 0 });
    assert.match(lines[1]!, /earlier submission/);
    assert.ok(lines.includes('✘ examples/small: Wrong answer — 0/15 — line 2: expected "2.500", got "2"'));
    assert.ok(lines.includes('    Output differs at line 2, column 1:'));
  });
});
