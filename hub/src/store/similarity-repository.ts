// Similarity checks in the store: each run of the check with its progress,
// and the pairs it found (ranked, with their matching fragments), so a
// finished check reopens without comparing anything again. A check's pairs
// are written once, when it finishes, in one transaction with its state.

import type { SimilarityFragment, SimilarityPair, SimilarityRun, SimilarityRunState, SimilaritySide, SimilaritySkippedFile } from '@classpod/protocol';
import type { Selectable } from 'kysely';
import { newId, Repository } from './repository';
import type { SimilarityPairsTable, SimilarityRunsTable } from './tables';

/** A pair as stored: what clients see, plus the two files' blobs and the fragments. */
export interface StoredSimilarityPair {
  pair: SimilarityPair;
  leftSha256: string;
  rightSha256: string;
  fragments: SimilarityFragment[];
}

/** How a finished check ends. */
export interface SimilarityOutcome {
  state: 'done' | 'failed';
  language?: string;
  submissionCount: number;
  fileCount: number;
  skipped: SimilaritySkippedFile[];
  skippedCount: number;
  message?: string;
  pairs: StoredSimilarityPair[];
}

/** Files listed as skipped on a run at most. */
export const MAX_LISTED_SKIPPED = 200;

function runOf(r: Selectable<SimilarityRunsTable>): SimilarityRun {
  return {
    id: r.id,
    courseId: r.course_id,
    assignmentId: r.assignment_id,
    earlierCourseIds: r.earlier_course_ids ? r.earlier_course_ids.split(',') : [],
    state: r.state as SimilarityRunState,
    ...(r.phase ? { phase: r.phase } : {}),
    done: Number(r.done),
    total: Number(r.total),
    ...(r.language ? { language: r.language } : {}),
    submissionCount: Number(r.submission_count),
    fileCount: Number(r.file_count),
    pairCount: Number(r.pair_count),
    skipped: JSON.parse(r.skipped) as SimilaritySkippedFile[],
    skippedCount: Number(r.skipped_count),
    ...(r.message ? { message: r.message } : {}),
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    ...(r.finished_at ? { finishedAt: r.finished_at } : {}),
  };
}

function pairOf(r: Selectable<SimilarityPairsTable>): StoredSimilarityPair {
  const fragments = JSON.parse(r.fragments) as SimilarityFragment[];
  return {
    pair: {
      id: r.id,
      rank: Number(r.rank),
      left: JSON.parse(r.left_side) as SimilaritySide,
      right: JSON.parse(r.right_side) as SimilaritySide,
      similarity: Number(r.similarity),
      longestFragment: Number(r.longest),
      overlap: Number(r.overlap),
      fragmentCount: fragments.length,
    },
    leftSha256: r.left_sha256,
    rightSha256: r.right_sha256,
    fragments,
  };
}

export class SimilarityRepository extends Repository {
  /** Queue a check. */
  async create(r: { courseId: string; assignmentId: string; earlierCourseIds: string[]; requestedBy: string }): Promise<SimilarityRun> {
    const id = newId('sim');
    await this.db
      .insertInto('similarity_runs')
      .values({
        id,
        course_id: r.courseId,
        assignment_id: r.assignmentId,
        earlier_course_ids: r.earlierCourseIds.join(','),
        state: 'queued',
        phase: null,
        done: 0,
        total: 0,
        language: null,
        submission_count: 0,
        file_count: 0,
        pair_count: 0,
        skipped: '[]',
        skipped_count: 0,
        message: null,
        finished_at: null,
        requested_by: r.requestedBy,
        requested_at: this.iso(),
      })
      .execute();
    return (await this.get(id))!;
  }

  async get(id: string): Promise<SimilarityRun | undefined> {
    const r = await this.db.selectFrom('similarity_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? runOf(r) : undefined;
  }

  /** The latest check of an assignment. */
  async latest(courseId: string, assignmentId: string): Promise<SimilarityRun | undefined> {
    const r = await this.db
      .selectFrom('similarity_runs')
      .selectAll()
      .where('course_id', '=', courseId)
      .where('assignment_id', '=', assignmentId)
      .orderBy('requested_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return r ? runOf(r) : undefined;
  }

  /** Checks not finished, oldest first (what a restarted hub has to settle). */
  async unfinished(): Promise<SimilarityRun[]> {
    const rows = await this.db.selectFrom('similarity_runs').selectAll().where('state', 'in', ['queued', 'running']).orderBy('requested_at', 'asc').execute();
    return rows.map(runOf);
  }

  /** Record progress. */
  async progress(id: string, p: { phase: string; done: number; total: number }): Promise<void> {
    await this.db.updateTable('similarity_runs').set({ state: 'running', phase: p.phase, done: p.done, total: p.total }).where('id', '=', id).execute();
  }

  /** Finish a check: its outcome and its pairs, at once. */
  async finish(id: string, o: SimilarityOutcome): Promise<void> {
    await this.inTransaction(async ({ db }) => {
      await db.deleteFrom('similarity_pairs').where('run_id', '=', id).execute();
      for (let i = 0; i < o.pairs.length; i += 100) {
        await db
          .insertInto('similarity_pairs')
          .values(
            o.pairs.slice(i, i + 100).map((p) => ({
              run_id: id,
              id: p.pair.id,
              rank: p.pair.rank,
              left_side: JSON.stringify(p.pair.left),
              right_side: JSON.stringify(p.pair.right),
              left_sha256: p.leftSha256,
              right_sha256: p.rightSha256,
              similarity: p.pair.similarity,
              longest: p.pair.longestFragment,
              overlap: p.pair.overlap,
              fragments: JSON.stringify(p.fragments),
            })),
          )
          .execute();
      }
      await db
        .updateTable('similarity_runs')
        .set({
          state: o.state,
          phase: null,
          language: o.language ?? null,
          submission_count: o.submissionCount,
          file_count: o.fileCount,
          pair_count: o.pairs.length,
          skipped: JSON.stringify(o.skipped.slice(0, MAX_LISTED_SKIPPED)),
          skipped_count: o.skippedCount,
          message: o.message ?? null,
          finished_at: this.iso(),
        })
        .where('id', '=', id)
        .execute();
    });
  }

  /** A page of a check's pairs, the most similar first. */
  async pairs(runId: string, offset: number, limit: number): Promise<SimilarityPair[]> {
    const rows = await this.db.selectFrom('similarity_pairs').selectAll().where('run_id', '=', runId).orderBy('rank', 'asc').offset(offset).limit(limit).execute();
    return rows.map((r) => pairOf(r).pair);
  }

  async pair(runId: string, pairId: string): Promise<StoredSimilarityPair | undefined> {
    const r = await this.db.selectFrom('similarity_pairs').selectAll().where('run_id', '=', runId).where('id', '=', pairId).executeTakeFirst();
    return r ? pairOf(r) : undefined;
  }
}
