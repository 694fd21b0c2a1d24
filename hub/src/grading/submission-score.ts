// A submission's final score, the one rule every reader of a score uses
// (results, gradebook, grade export, score events): an override wins;
// otherwise the automatic (test) score less its late penalty, plus the points
// of the rubric items applied, clamped to [0, maxScore]. Without an automatic
// score yet there is no score, whatever is applied.

import { finalScore } from '../deadlines/late-policy';
import type { Submission } from '../store/records';

export function submissionScore(s: Pick<Submission, 'rawScore' | 'penaltyPercent' | 'override' | 'rubricPoints' | 'maxScore'>): number | undefined {
  const base = finalScore(s.rawScore, s.penaltyPercent, s.override);
  if (base === undefined || s.override || s.rubricPoints === undefined) return base;
  const sum = Math.round((base + s.rubricPoints) * 1000) / 1000;
  return Math.min(Math.max(sum, 0), s.maxScore ?? Number.POSITIVE_INFINITY);
}
