// The similarity check as the professor reads it, with no VS Code in sight:
// the hub calls (run, wait, page through pairs, open one), a pair's row in
// words, and which lines of each file a matching fragment covers.

import {
  GetSimilarityFragmentsRequest,
  ListSimilarityPairsRequest,
  RunSimilarityRequest,
  SimilarityStatusRequest,
  type ResultOf,
  type SimilarityPair,
  type SimilarityRun,
  type SimilaritySide,
} from '@classpod/protocol';
import type { HubRequester } from '../hub-requester';

/** An opened pair: both files and the fragments that match. */
export type OpenedPair = ResultOf<typeof GetSimilarityFragmentsRequest.type>;

/** The banner every similarity page shows. */
export const EVIDENCE_NOTICE = 'Similarity is evidence for a person to judge, not a verdict: shared code can be allowed help, common idioms or starter code. Nothing here changes a score.';

export class SimilarityClient {
  constructor(private readonly request: HubRequester) {}

  /** Start a check (or get the one already under way). */
  async run(courseId: string, assignmentId: string, earlierCourseIds: string[] = []): Promise<SimilarityRun> {
    return (await this.request(RunSimilarityRequest.type, { courseId, assignmentId, ...(earlierCourseIds.length > 0 ? { earlierCourseIds } : {}) })).run;
  }

  /** The latest check of an assignment, or `runId`'s. */
  async status(courseId: string, assignmentId: string, runId?: string): Promise<SimilarityRun | undefined> {
    return (await this.request(SimilarityStatusRequest.type, { courseId, assignmentId, ...(runId ? { runId } : {}) })).run;
  }

  /** Poll until the check has finished; `progress` hears every look. */
  async finished(run: SimilarityRun, progress: (run: SimilarityRun) => void = () => undefined, pollMs = 500, signal?: AbortSignal): Promise<SimilarityRun> {
    let current = run;
    while (current.state === 'queued' || current.state === 'running') {
      if (signal?.aborted) throw new Error('the check was left while it ran');
      await new Promise((r) => setTimeout(r, pollMs));
      current = (await this.status(run.courseId, run.assignmentId, run.id)) ?? current;
      progress(current);
    }
    return current;
  }

  /** Every pair of a finished check, the most similar first, a page at a time. */
  async pairs(runId: string, pageSize = 200, max = 1_000): Promise<SimilarityPair[]> {
    const out: SimilarityPair[] = [];
    for (;;) {
      const page = await this.request(ListSimilarityPairsRequest.type, { runId, offset: out.length, limit: pageSize });
      out.push(...page.pairs);
      if (page.pairs.length === 0 || out.length >= page.total || out.length >= max) return out;
    }
  }

  open(runId: string, pairId: string): Promise<OpenedPair> {
    return this.request(GetSimilarityFragmentsRequest.type, { runId, pairId });
  }
}

/** A student as a row names them: their name, else their id. */
export function sideName(side: SimilaritySide): string {
  return side.studentName ?? side.studentId;
}

/** 0.873 → "87%". */
export function percent(similarity: number): string {
  return `${Math.round(similarity * 100)}%`;
}

/** A pair in words, for its row and for a screen reader. */
export function describePair(p: SimilarityPair): { students: string; similarity: string; longest: string; earlier?: string; label: string } {
  const earlierSide = p.right.earlier ? p.right : p.left.earlier ? p.left : undefined;
  const earlier = earlierSide ? `earlier offering (${earlierSide.courseId})` : undefined;
  const students = `${sideName(p.left)} ↔ ${sideName(p.right)}`;
  const longest = `${p.longestFragment} k-gram${p.longestFragment === 1 ? '' : 's'}`;
  const label = `Rank ${p.rank}: ${sideName(p.left)} and ${sideName(p.right)}, ${percent(p.similarity)} similar, longest fragment ${longest}, ${p.fragmentCount} fragment${p.fragmentCount === 1 ? '' : 's'}${earlier ? `, ${earlier}` : ''}. Enter opens them side by side.`;
  return { students, similarity: percent(p.similarity), longest, ...(earlier ? { earlier } : {}), label };
}

/** What a check says about itself in one line. */
export function runSummary(run: SimilarityRun): string {
  if (run.state === 'queued') return 'Waiting for the check before it…';
  if (run.state === 'running') return `${run.phase ?? 'Checking'}${run.total > 0 ? ` (${run.done} of ${run.total})` : ''}…`;
  if (run.state === 'failed') return `The check stopped: ${run.message ?? 'no reason given'}`;
  const parts = [`${run.submissionCount} final submission${run.submissionCount === 1 ? '' : 's'}`, `${run.fileCount} file${run.fileCount === 1 ? '' : 's'}${run.language ? ` (${run.language})` : ''}`, `${run.pairCount} pair${run.pairCount === 1 ? '' : 's'}`];
  if (run.earlierCourseIds.length > 0) parts.push(`with ${run.earlierCourseIds.join(', ')}`);
  if (run.skippedCount > 0) parts.push(`${run.skippedCount} file${run.skippedCount === 1 ? '' : 's'} left out`);
  return `${parts.join(' · ')}${run.message ? ` — ${run.message}` : ''}`;
}

/**
 * For each line of a file (from 0), the fragment that covers it, if any:
 * the first fragment listed wins a line two of them share (the hub lists the longest first).
 */
export function lineFragments(lineCount: number, regions: ReadonlyArray<{ startRow: number; endRow: number }>): Array<number | undefined> {
  const out = new Array<number | undefined>(lineCount).fill(undefined);
  regions.forEach((r, i) => {
    for (let row = Math.max(0, r.startRow); row <= Math.min(lineCount - 1, r.endRow); row++) if (out[row] === undefined) out[row] = i;
  });
  return out;
}
