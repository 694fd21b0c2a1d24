import * as assert from 'node:assert/strict';
import type { SpecGroup, TestCaseResult } from '@classpod/protocol';
import { scoreGroup } from '../../src/verdicts/scoring';

const test = (name: string, weight: number) => ({
  name, public: true, stdin: '', args: [], expectedFiles: [], weight,
  limits: { timeMs: 1, wallMs: 1, memoryKb: 1, processes: 1, outputKb: 1, fileSizeKb: 1 }, compare: { mode: 'exact' as const },
});
const result = (name: string, verdict: TestCaseResult['verdict']): TestCaseResult => ({
  name, group: 'g', public: true, verdict, timeMs: 0, wallMs: 0, memoryKb: 0, score: 0, maxScore: 0, message: '',
});

describe('scoreGroup', () => {
  it('sum: points in proportion to the weights of passed tests', () => {
    const g: SpecGroup = { name: 'g', scoring: 'sum', points: 40, tests: [test('a', 1), test('b', 3)] };
    const r = [result('a', 'WA'), result('b', 'AC')];
    assert.deepEqual(scoreGroup(g, r, [0, 1]), { score: 30, maxScore: 40 });
    assert.deepEqual(r.map((x) => [x.score, x.maxScore]), [[0, 10], [30, 30]]);
  });

  it('sum: partial checker points count', () => {
    const g: SpecGroup = { name: 'g', scoring: 'sum', points: 10, tests: [test('a', 1)] };
    assert.equal(scoreGroup(g, [result('a', 'WA')], [0.5]).score, 5);
  });

  it('all-or-nothing: nothing unless every test passes', () => {
    const g: SpecGroup = { name: 'g', scoring: 'all-or-nothing', points: 30, tests: [test('a', 1), test('b', 1)] };
    const r = [result('a', 'AC'), result('b', 'TLE')];
    assert.deepEqual(scoreGroup(g, r, [1, 0]), { score: 0, maxScore: 30 });
    assert.deepEqual(r.map((x) => x.score), [0, 0]);
    assert.deepEqual(scoreGroup(g, [result('a', 'AC'), result('b', 'AC')], [1, 1]), { score: 30, maxScore: 30 });
  });
});
