// Scores: a test's share of its group's points follows its weight; a `sum`
// group earns the shares of its passed tests (partial checker scores count in
// proportion), an `all-or-nothing` group earns its points only when every
// test is accepted.

import type { SpecGroup, TestCaseResult } from '@classpod/protocol';

/** Points test `index` of `group` can earn. */
export function testMaxScore(group: SpecGroup, index: number): number {
  const total = group.tests.reduce((n, t) => n + t.weight, 0);
  if (total === 0) return 0;
  return round((group.points * group.tests[index]!.weight) / total);
}

/** Set each result's score and return the group's total. `fractions` are what each test earned (0..1). */
export function scoreGroup(group: SpecGroup, results: TestCaseResult[], fractions: number[]): { score: number; maxScore: number } {
  const allPassed = results.every((r) => r.verdict === 'AC');
  results.forEach((r, i) => {
    r.maxScore = testMaxScore(group, i);
    r.score = group.scoring === 'all-or-nothing' ? (allPassed ? r.maxScore : 0) : round(r.maxScore * (fractions[i] ?? 0));
  });
  const total = group.tests.reduce((n, t) => n + t.weight, 0);
  const earned = group.tests.reduce((n, t, i) => n + t.weight * (fractions[i] ?? 0), 0);
  const score = group.scoring === 'all-or-nothing' ? (allPassed ? group.points : 0) : total > 0 ? round((group.points * earned) / total) : 0;
  return { score, maxScore: group.points };
}

/** Round to 6 decimals, so sums of shares do not show floating-point noise. */
export function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
