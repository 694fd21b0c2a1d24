// The line beside a failed test in the editor reads as a sentence: verdict,
// expected against actual where they first differ, and the time it took.

import * as assert from 'node:assert/strict';
import type { TestResultView } from '@classpod/protocol';
import { inlineText, outcomeOf } from '../../../src/testing/public-tests';

const wrong: TestResultView = {
  name: 'small',
  group: 'examples',
  public: true,
  verdict: 'WA',
  score: 0,
  maxScore: 15,
  wallMs: 12.4,
  message: 'line 1 differs',
  diff: { line: 1, column: 3, expected: { fromLine: 1, lines: ['6 2.000'], more: false }, actual: { fromLine: 1, lines: ['6 2.500'], more: false } },
};

describe('the inline message of a failed test', function () {
  it('says what was expected and what came, where, and how long it took', function () {
    assert.equal(inlineText(wrong), 'Wrong answer: expected “6 2.000”, got “6 2.500” (line 1) · 12 ms');
    assert.equal(outcomeOf(wrong).inline, inlineText(wrong));
  });

  it('says "nothing" when the output stopped short, and names the file that differs', function () {
    const short = { ...wrong, diff: { file: 'out.txt', line: 2, column: 1, expected: { fromLine: 1, lines: ['6', '2.000'], more: false }, actual: { fromLine: 1, lines: ['6'], more: false } } };
    assert.equal(inlineText(short), 'Wrong answer: expected “2.000”, got nothing (out.txt, line 2) · 12 ms');
  });

  it('is the message when the differing line reads the same on both sides (the output ended early)', function () {
    const early: TestResultView = {
      ...wrong,
      message: 'output ends after 1 token; expected 2 (next: "2.000")',
      diff: { line: 1, column: 2, expected: { fromLine: 1, lines: ['6', '2.000'], more: false }, actual: { fromLine: 1, lines: ['6'], more: false } },
    };
    assert.equal(inlineText(early), 'Wrong answer: output ends after 1 token; expected 2 (next: "2.000") · 12 ms');
  });

  it('is the first line of the message without a diff', function () {
    const tle: TestResultView = { name: 'small', group: 'examples', public: true, verdict: 'TLE', score: 0, maxScore: 15, wallMs: 12.4, message: 'ran for 2.0 s\nkilled' };
    assert.match(inlineText(tle), /^Time limit exceeded: ran for 2\.0 s · 12 ms$/);
  });
});
