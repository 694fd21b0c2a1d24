// The part of a specification a student may see: public tests only. Hidden
// tests are removed entirely (names, data and limits); all that remains of
// them is how many there were and how many points they are worth.

import type { GradingSpec, SpecGroup } from '@classpod/protocol';

/** A copy of `spec` without hidden tests. Idempotent. */
export function publicSpec(spec: GradingSpec): GradingSpec {
  let hiddenTests = spec.hidden?.tests ?? 0;
  let hiddenPoints = spec.hidden?.points ?? 0;
  const groups: SpecGroup[] = [];
  for (const g of spec.groups) {
    const shown = g.tests.filter((t) => t.public);
    hiddenTests += g.tests.length - shown.length;
    const total = g.tests.reduce((n, t) => n + t.weight, 0);
    const shownWeight = shown.reduce((n, t) => n + t.weight, 0);
    const points =
      shown.length === g.tests.length ? g.points : g.scoring === 'sum' && total > 0 ? (g.points * shownWeight) / total : 0;
    hiddenPoints += g.points - points;
    if (shown.length > 0) groups.push({ ...g, points, tests: shown.map((t) => structuredClone(t)) });
  }
  const out: GradingSpec = { ...structuredClone({ ...spec, groups: [] }), groups };
  const usesChecker = groups.some((g) => g.tests.some((t) => t.compare.mode === 'checker'));
  if (!usesChecker) delete out.checker;
  out.hidden = { tests: hiddenTests, points: round(hiddenPoints) };
  return out;
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
