// Grade records: what produced each grade (worker, sandbox, toolchains,
// specification, snapshot), kept for every grading of a submission.

import type { GradeRecord } from './records';
import { newId, Repository } from './repository';
import { gradeRecordOf, nul } from './rows';

export class GradeRecordRepository extends Repository {
  async add(r: Omit<GradeRecord, 'id' | 'recordedAt'>): Promise<void> {
    await this.db
      .insertInto('grade_records')
      .values({
        // Ids sort by the real time they were made: records made in one tick of an injected clock keep their order.
        id: `g_${Date.now().toString(36).padStart(10, '0')}${newId('').slice(1)}`,
        submission_id: r.submissionId,
        job_id: r.jobId,
        worker_id: r.workerId,
        official: r.official ? 1 : 0,
        status: r.status,
        sandbox: r.sandbox,
        sandbox_version: r.sandboxVersion,
        snapshot_hash: r.snapshotHash,
        spec_hash: r.specHash,
        source_hash: r.sourceHash,
        toolchain_hash: r.toolchainHash,
        score: nul(r.score),
        max_score: nul(r.maxScore),
        result_json: r.resultJson,
        worker_json: r.workerJson,
        recorded_at: this.iso(),
      })
      .execute();
  }

  /** Every grade record of a submission, newest first. */
  async list(submissionId: string): Promise<GradeRecord[]> {
    const rows = await this.db.selectFrom('grade_records').selectAll().where('submission_id', '=', submissionId).orderBy('recorded_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(gradeRecordOf);
  }

  async get(id: string): Promise<GradeRecord | undefined> {
    const r = await this.db.selectFrom('grade_records').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? gradeRecordOf(r) : undefined;
  }
}
