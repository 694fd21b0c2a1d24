// Grading jobs: the queue workers lease from. State changes that race (leasing
// a job, recording its result) are compare-and-set updates, so they are right
// on both databases and with several hub processes.

import { sql } from 'kysely';
import { GradeRecordRepository } from './grade-record-repository';
import type { GradeRecord, Job, Submission } from './records';
import { newId, Repository, type RepositoryContext } from './repository';
import { jobOf, nul, submissionOf } from './rows';

/** What a worker leased: the job and the submission it grades. */
export interface Lease {
  job: Job;
  submission: Submission;
}

/** Jobs per state (queued, leased, done). */
export type JobCounts = Record<string, number>;

export class GradingJobRepository extends Repository {
  /** Queue a job for a submission; a submission has at most one job waiting or running: a regrade while one runs reuses it. */
  async enqueue(submissionId: string): Promise<string> {
    const open = await this.db.selectFrom('jobs').select('id').where('submission_id', '=', submissionId).where('state', '<>', 'done').executeTakeFirst();
    if (open) return open.id;
    const id = newId('j');
    await this.db.insertInto('jobs').values({ id, submission_id: submissionId, state: 'queued', attempts: 0, created_at: this.iso() }).execute();
    return id;
  }

  /**
   * Lease the oldest queued job to a worker. Compare-and-set on the job's state,
   * so two hubs (or two workers) never get the same lease. With `accepts`, only
   * a job whose assignment it accepts is leased (the worker's languages, the
   * grading policy); the others stay queued for another worker.
   */
  async leaseNext(
    workerId: string,
    leaseExpiresMs: number,
    accepts?: (job: { courseId: string; assignmentId: string }) => boolean | Promise<boolean>,
  ): Promise<Lease | undefined> {
    if (!accepts) return this.leaseCandidate(workerId, leaseExpiresMs);
    const page = 200;
    for (let offset = 0; ; offset += page) {
      const candidates = await this.db
        .selectFrom('jobs as j')
        .innerJoin('submissions as s', 's.id', 'j.submission_id')
        .select(['j.id', 's.course_id', 's.assignment_id'])
        .where('j.state', '=', 'queued')
        .orderBy('j.created_at')
        .orderBy('j.id')
        .limit(page)
        .offset(offset)
        .execute();
      for (const c of candidates) {
        if (!(await accepts({ courseId: c.course_id, assignmentId: c.assignment_id }))) continue;
        const taken = await this.leaseCandidate(workerId, leaseExpiresMs, c.id);
        if (taken) return taken;
      }
      if (candidates.length < page) return undefined;
    }
  }

  /** Lease job `id` (or the oldest queued one) if it is still queued. */
  private leaseCandidate(workerId: string, leaseExpiresMs: number, id?: string): Promise<Lease | undefined> {
    return this.inTransaction(async ({ db }) => {
      const candidate = await db
        .selectFrom('jobs')
        .select('id')
        .where('state', '=', 'queued')
        .$if(id !== undefined, (q) => q.where('id', '=', id!))
        .orderBy('created_at')
        .orderBy('id')
        .limit(1)
        // SQLite runs one transaction at a time; PostgreSQL skips rows another transaction is leasing.
        .$if(this.ctx.dialect === 'postgres', (q) => q.forUpdate().skipLocked())
        .executeTakeFirst();
      if (!candidate) return undefined;
      const changed = await db
        .updateTable('jobs')
        .set({ state: 'leased', lease_id: newId('l'), worker_id: workerId, lease_expires_ms: leaseExpiresMs, spec_hash: null, attempts: sql<number>`attempts + 1` })
        .where('id', '=', candidate.id)
        .where('state', '=', 'queued')
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) !== 1) return undefined;
      const job = jobOf(await db.selectFrom('jobs').selectAll().where('id', '=', candidate.id).executeTakeFirstOrThrow());
      await db.updateTable('submissions').set({ status: 'grading' }).where('id', '=', job.submissionId).execute();
      const submission = submissionOf(await db.selectFrom('submissions').selectAll().where('id', '=', job.submissionId).executeTakeFirstOrThrow());
      return { job, submission };
    });
  }

  /** Change a job under its live lease; false when the lease is no longer this one's. */
  private async underLease(jobId: string, leaseId: string, set: { spec_hash?: string; lease_expires_ms?: number }): Promise<boolean> {
    const changed = await this.db.updateTable('jobs').set(set).where('id', '=', jobId).where('lease_id', '=', leaseId).where('state', '=', 'leased').executeTakeFirst();
    return Number(changed.numUpdatedRows) === 1;
  }

  /** Note which specification the live lease of a job was given. */
  setLeaseSpecHash(jobId: string, leaseId: string, specHash: string): Promise<boolean> {
    return this.underLease(jobId, leaseId, { spec_hash: specHash });
  }

  /** Extend a lease; false when the lease is no longer this one's. */
  heartbeat(jobId: string, leaseId: string, leaseExpiresMs: number): Promise<boolean> {
    return this.underLease(jobId, leaseId, { lease_expires_ms: leaseExpiresMs });
  }

  /**
   * Record a job's result exactly once: the job moves from `leased` under this
   * lease to `done` and the submission gets its score in the same transaction.
   * Resolves to the updated submission, or undefined when the lease was lost.
   */
  async complete(
    jobId: string,
    leaseId: string,
    outcome: { status: 'graded' | 'failed'; rawScore?: number; maxScore?: number; resultJson: string },
    record?: Omit<GradeRecord, 'id' | 'submissionId' | 'jobId' | 'status' | 'score' | 'maxScore' | 'resultJson' | 'recordedAt'>,
  ): Promise<Submission | undefined> {
    return this.inTransaction(async (ctx: RepositoryContext) => {
      const { db } = ctx;
      const changed = await db
        .updateTable('jobs')
        .set({ state: 'done', finished_at: this.iso(), lease_expires_ms: null })
        .where('id', '=', jobId)
        .where('lease_id', '=', leaseId)
        .where('state', '=', 'leased')
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) !== 1) return undefined;
      const job = jobOf(await db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow());
      if (record) {
        await new GradeRecordRepository(ctx).add({
          ...record,
          submissionId: job.submissionId,
          jobId,
          status: outcome.status,
          score: outcome.rawScore,
          maxScore: outcome.maxScore,
          resultJson: outcome.resultJson,
        });
      }
      await db
        .updateTable('submissions')
        .set({ status: outcome.status, raw_score: nul(outcome.rawScore), max_score: nul(outcome.maxScore), result_json: outcome.resultJson, graded_at: this.iso() })
        .where('id', '=', job.submissionId)
        .execute();
      return submissionOf(await db.selectFrom('submissions').selectAll().where('id', '=', job.submissionId).executeTakeFirstOrThrow());
    });
  }

  /** Put a leased job back in the queue (worker handed it back or its sandbox failed). */
  async release(jobId: string, leaseId: string): Promise<boolean> {
    const changed = await this.db
      .updateTable('jobs')
      .set({ state: 'queued', lease_id: null, worker_id: null, lease_expires_ms: null })
      .where('id', '=', jobId)
      .where('lease_id', '=', leaseId)
      .where('state', '=', 'leased')
      .executeTakeFirst();
    return Number(changed.numUpdatedRows) === 1;
  }

  /** Re-queue every job whose lease ended before `nowMs`; resolves to their ids. */
  async expireLeases(nowMs: number): Promise<string[]> {
    const expired = await this.db.selectFrom('jobs').select(['id', 'lease_id']).where('state', '=', 'leased').where('lease_expires_ms', '<', nowMs).execute();
    const done: string[] = [];
    for (const j of expired) if (j.lease_id !== null && (await this.release(j.id, j.lease_id))) done.push(j.id);
    return done;
  }

  async get(id: string): Promise<Job | undefined> {
    const r = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? jobOf(r) : undefined;
  }

  /** A submission's jobs, oldest first. */
  async of(submissionId: string): Promise<Job[]> {
    return (await this.db.selectFrom('jobs').selectAll().where('submission_id', '=', submissionId).orderBy('created_at').orderBy('id').execute()).map(jobOf);
  }

  /** How long the oldest queued job has waited since it was queued (ms, by the hub's clock); null when none is queued. */
  async oldestQueuedAgeMs(): Promise<number | null> {
    const r = await this.db.selectFrom('jobs').select((eb) => eb.fn.min('created_at').as('created_at')).where('state', '=', 'queued').executeTakeFirst();
    const at = r?.created_at ? Date.parse(String(r.created_at)) : NaN;
    return Number.isNaN(at) ? null : Math.max(0, this.ctx.now().getTime() - at);
  }

  async counts(): Promise<JobCounts> {
    const rows = await this.db.selectFrom('jobs').select((eb) => ['state', eb.fn.countAll().as('n')]).groupBy('state').execute();
    const out: JobCounts = { queued: 0, leased: 0, done: 0 };
    for (const r of rows) out[r.state] = Number(r.n);
    return out;
  }
}
