// Runs similarity checks one at a time, off the request path: collect the
// final submissions, compare them in a child process (dolos-process), rank
// and store the pairs. A check that cannot finish is stored as failed with
// the reason; a hub that restarts picks up the checks it had not finished.
// Nothing here touches a score.

import type { Logger } from '@classpod/observability';
import type { BlobStore } from '../blobs/blob-store';
import { newId } from '../store/repository';
import type { StoredSimilarityPair } from '../store/similarity-repository';
import type { Store } from '../store/store';
import { compareInChild, ComparisonError, stopComparisons } from './dolos-process';
import { collectFinalSubmissions } from './final-submissions';
import type { SimilarityLimits } from './similarity-limits';

export class SimilarityRunner {
  private readonly queue: string[] = [];
  private busy: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    readonly limits: SimilarityLimits,
    private readonly logger: Logger,
  ) {}

  /** Take up the checks a previous hub left unfinished. */
  async start(): Promise<void> {
    for (const run of await this.store.similarity.unfinished()) this.enqueue(run.id);
  }

  /** Run check `runId` after those before it. */
  enqueue(runId: string): void {
    if (this.closed) return;
    this.queue.push(runId);
    this.busy ??= this.drain().finally(() => (this.busy = undefined));
  }

  /** Stop: the running comparison is killed, its check taken up again by the next hub. */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    stopComparisons();
    await this.busy;
  }

  /** Resolves when no check is queued or running (for tests and benchmarks). */
  async idle(): Promise<void> {
    while (this.busy) await this.busy;
  }

  private async drain(): Promise<void> {
    for (let id = this.queue.shift(); id !== undefined && !this.closed; id = this.queue.shift()) {
      try {
        await this.runOne(id);
      } catch (err) {
        if (this.closed) return;
        this.logger.warn('similarity check failed', { runId: id, err: err as Error });
        await this.store.similarity
          .finish(id, { state: 'failed', submissionCount: 0, fileCount: 0, skipped: [], skippedCount: 0, message: `the check stopped: ${(err as Error).message}`, pairs: [] })
          .catch(() => undefined);
      }
    }
  }

  private async runOne(id: string): Promise<void> {
    const run = await this.store.similarity.get(id);
    if (!run || (run.state !== 'queued' && run.state !== 'running')) return;
    const started = Date.now();
    const collected = await collectFinalSubmissions(this.store, this.blobs, run, this.limits, (done, total) => this.store.similarity.progress(id, { phase: 'collecting submissions', done, total }));
    const base = { submissionCount: collected.submissions.length, fileCount: collected.files.length, skipped: collected.skipped, skippedCount: collected.skipped.length };
    if (collected.problem) {
      await this.store.similarity.finish(id, { ...base, state: 'failed', message: collected.problem, pairs: [] });
      return;
    }
    await this.store.similarity.progress(id, { phase: 'comparing with Dolos', done: 0, total: collected.files.length });
    let output;
    try {
      output = await compareInChild(collected.input, this.limits);
    } catch (err) {
      if (this.closed) throw err;
      if (!(err instanceof ComparisonError)) throw err;
      await this.store.similarity.finish(id, { ...base, state: 'failed', message: err.message, pairs: [] });
      return;
    }
    const skipped = [...collected.skipped];
    for (const i of output.otherLanguage) {
      const f = collected.files[i]!;
      const s = collected.submissions[f.owner]!;
      skipped.push({ submissionId: s.submissionId, studentId: s.studentId, path: f.path, reason: output.language ? `not ${output.language}` : 'no language Dolos reads' });
    }
    const side = (file: number) => {
      const f = collected.files[file]!;
      const s = collected.submissions[f.owner]!;
      return { submissionId: s.submissionId, studentId: s.studentId, ...(s.studentName ? { studentName: s.studentName } : {}), courseId: s.courseId, path: f.path, earlier: s.earlier };
    };
    const pairs: StoredSimilarityPair[] = output.pairs.map((p, i) => {
      // An earlier offering's submission is always on the right.
      const [l, r] = collected.submissions[collected.files[p.left]!.owner]!.earlier ? [p.right, p.left] : [p.left, p.right];
      const swap = l !== p.left;
      return {
        pair: {
          id: newId('p'),
          rank: i + 1,
          left: side(l),
          right: side(r),
          similarity: Math.min(1, Math.max(0, p.similarity)),
          longestFragment: p.longest,
          overlap: p.overlap,
          fragmentCount: p.fragments.length,
        },
        leftSha256: collected.files[l]!.sha256,
        rightSha256: collected.files[r]!.sha256,
        fragments: swap ? p.fragments.map((f) => ({ left: f.right, right: f.left })) : p.fragments,
      };
    });
    await this.store.similarity.finish(id, {
      ...base,
      state: 'done',
      fileCount: collected.files.length - output.otherLanguage.length,
      skipped,
      skippedCount: skipped.length,
      ...(output.language ? { language: output.language } : {}),
      ...(output.problem ? { message: output.problem } : {}),
      pairs,
    });
    this.logger.info('similarity check done', { runId: id, courseId: run.courseId, assignmentId: run.assignmentId, files: collected.files.length, pairs: pairs.length, ms: Date.now() - started });
  }
}
