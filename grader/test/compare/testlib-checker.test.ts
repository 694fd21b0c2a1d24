import * as assert from 'node:assert/strict';
import { checkerDecision } from '../../src';

describe('checkerDecision (testlib exit codes)', () => {
  it('maps 0 to AC, 1/2/4 to WA, 3 to SE, 7 to partial points', () => {
    assert.equal(checkerDecision(0, null, 'ok 3 numbers').verdict, 'AC');
    assert.equal(checkerDecision(1, null, 'wrong answer 1st numbers differ').verdict, 'WA');
    assert.equal(checkerDecision(1, null, 'wrong answer 1st numbers differ').message, 'wrong answer 1st numbers differ');
    assert.equal(checkerDecision(2, null, 'presentation error').verdict, 'WA');
    assert.equal(checkerDecision(4, null, '').verdict, 'WA');
    assert.deepEqual(checkerDecision(3, null, 'FAIL answer file missing'), { verdict: 'SE', fraction: 0, message: 'checker failed: FAIL answer file missing' });
    const partial = checkerDecision(7, null, '0.25 of the pairs');
    assert.equal(partial.fraction, 0.25);
    assert.equal(partial.verdict, 'WA');
  });

  it('treats a crashed checker as a system error, not the student’s fault', () => {
    assert.equal(checkerDecision(null, 'SIGSEGV', '').verdict, 'SE');
    assert.equal(checkerDecision(42, null, '').verdict, 'SE');
  });
});
