// How far a regrade has come, and what the professor is told when it is done:
// of the submissions queued again, how many the grader has finished (graded
// or failed), and the new result — the score of a single submission, or how
// many of many were graded. Plain logic over the submissions as the cache now
// knows them.

import { plural, type SubmissionSummary } from '@classpod/protocol';
import { submissionScore } from './cluster-presentation';

/** The regraded submissions, as far as the grader has come with them. */
export interface RegradeProgress {
  total: number;
  /** Graded again (or overridden, which keeps a score). */
  graded: number;
  failed: number;
  /** Still queued or grading. */
  pending: number;
}

/** Count where each queued submission stands; a submission the cache no longer knows counts as pending. */
export function regradeProgress(ids: readonly string[], submission: (id: string) => SubmissionSummary | undefined): RegradeProgress {
  let graded = 0;
  let failed = 0;
  for (const id of ids) {
    const s = submission(id);
    if (s?.status === 'graded') graded++;
    else if (s?.status === 'failed') failed++;
  }
  return { total: ids.length, graded, failed, pending: ids.length - graded - failed };
}

/** "1 of 3 graded" for the progress notification. */
export function regradeProgressText(p: RegradeProgress): string {
  return `${p.graded + p.failed} of ${p.total} graded`;
}

/**
 * What the professor reads when the grader has finished:
 * "Regraded Ada Lovelace's submission: 15/15." or
 * "Regraded 3 submissions: 2 graded, 1 failed."
 */
export function regradeDoneText(p: RegradeProgress, single: { who: string; submission: SubmissionSummary } | undefined): string {
  if (p.total === 1 && single) {
    const s = single.submission;
    return s.status === 'failed' ? `Regraded ${single.who}'s submission: grading failed.` : `Regraded ${single.who}'s submission: ${submissionScore(s)}.`;
  }
  const parts = [`${p.graded} graded`, ...(p.failed > 0 ? [`${p.failed} failed`] : [])];
  return `Regraded ${plural(p.total, 'submission')}: ${parts.join(', ')}.`;
}
