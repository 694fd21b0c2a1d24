// The hub's store: every read and write of its data, in portable SQL over a
// SqlDriver (SQLite by default, PostgreSQL when DATABASE_URL is set). Writes
// that must happen together run in one transaction; state changes that race
// (leasing a job, recording a result) are compare-and-set updates, so they are
// right on both databases and with several hub processes.

import { randomBytes } from 'node:crypto';
import { migrate } from './migrations';
import type {
  Assignment,
  AuditRecord,
  Course,
  DeadlineCollection,
  Enrolment,
  Extension,
  GradeRecord,
  Job,
  ManifestEntry,
  Person,
  Role,
  Submission,
  SubmissionStatus,
  TokenRecord,
} from './records';
import type { Row, SqlDriver, SqlRunner } from './sql-driver';

/** A random id with a readable prefix, e.g. `s_3f9a…`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(10).toString('hex')}`;
}

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

function personOf(r: Row): Person {
  return { id: String(r.id), name: String(r.name), email: str(r.email), admin: Number(r.admin) === 1 };
}

function assignmentOf(r: Row): Assignment {
  return {
    courseId: String(r.course_id),
    id: String(r.id),
    title: String(r.title),
    description: String(r.description),
    opensAt: str(r.opens_at),
    dueAt: str(r.due_at),
    penaltyPercentPerDay: Number(r.penalty_per_day),
    cutoffAt: str(r.cutoff_at),
    specJson: String(r.spec_json),
    publicSpecJson: String(r.public_spec_json),
    starterManifest: JSON.parse(String(r.starter_manifest)) as ManifestEntry[],
    publicFilesManifest: JSON.parse(String(r.public_files_manifest)) as ManifestEntry[],
    maxScore: Number(r.max_score),
    showHiddenNames: Number(r.show_hidden_names ?? 0) === 1,
    bonusPoints: Number(r.bonus_points ?? 0),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

function submissionOf(r: Row): Submission {
  return {
    id: String(r.id),
    courseId: String(r.course_id),
    assignmentId: String(r.assignment_id),
    studentId: String(r.student_id),
    snapshotHash: String(r.snapshot_hash),
    submittedAt: String(r.submitted_at),
    source: String(r.source) as Submission['source'],
    late: Number(r.late) === 1,
    penaltyPercent: Number(r.penalty_percent),
    fileCount: Number(r.file_count),
    totalBytes: Number(r.total_bytes),
    status: String(r.status) as SubmissionStatus,
    rawScore: num(r.raw_score),
    maxScore: num(r.max_score),
    resultJson: str(r.result_json),
    gradedAt: str(r.graded_at),
    override:
      r.override_at === null || r.override_at === undefined || r.override_score === null
        ? undefined
        : { score: Number(r.override_score), comment: String(r.override_comment), authorId: String(r.override_author), at: String(r.override_at) },
  };
}

function jobOf(r: Row): Job {
  return {
    id: String(r.id),
    submissionId: String(r.submission_id),
    state: String(r.state) as Job['state'],
    attempts: Number(r.attempts),
    leaseId: str(r.lease_id),
    workerId: str(r.worker_id),
    leaseExpiresMs: num(r.lease_expires_ms),
    specHash: str(r.spec_hash),
    createdAt: String(r.created_at),
    finishedAt: str(r.finished_at),
  };
}

function gradeRecordOf(r: Row): GradeRecord {
  return {
    id: String(r.id),
    submissionId: String(r.submission_id),
    jobId: String(r.job_id),
    workerId: String(r.worker_id),
    official: Number(r.official) === 1,
    status: String(r.status) as GradeRecord['status'],
    sandbox: String(r.sandbox),
    sandboxVersion: String(r.sandbox_version),
    snapshotHash: String(r.snapshot_hash),
    specHash: String(r.spec_hash),
    sourceHash: String(r.source_hash),
    toolchainHash: String(r.toolchain_hash),
    score: num(r.score),
    maxScore: num(r.max_score),
    resultJson: String(r.result_json),
    workerJson: String(r.worker_json),
    recordedAt: String(r.recorded_at),
  };
}

function tokenOf(r: Row): TokenRecord {
  return {
    id: String(r.id),
    hash: String(r.hash),
    personId: str(r.person_id),
    scopes: String(r.scopes).split(' ').filter(Boolean),
    label: str(r.label),
    createdAt: String(r.created_at),
    expiresAt: str(r.expires_at),
    revokedAt: str(r.revoked_at),
  };
}

/** Filters of `listSubmissions`. */
export interface SubmissionFilter {
  courseId: string;
  assignmentId?: string;
  studentId?: string;
}

/** All of the hub's data access. */
export class Store {
  constructor(readonly db: SqlDriver, private readonly now: () => Date = () => new Date()) {}

  /** Apply pending migrations. */
  migrate(): Promise<number[]> {
    return migrate(this.db, this.now);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  private iso(): string {
    return this.now().toISOString();
  }

  // ---- people and courses ----

  async upsertPerson(p: Person): Promise<void> {
    const existing = await this.db.get('SELECT id FROM people WHERE id = ?', [p.id]);
    if (existing) await this.db.run('UPDATE people SET name = ?, email = ?, admin = ? WHERE id = ?', [p.name, p.email, p.admin, p.id]);
    else await this.db.run('INSERT INTO people (id, name, email, admin, created_at) VALUES (?, ?, ?, ?, ?)', [p.id, p.name, p.email, p.admin, this.iso()]);
  }

  async getPerson(id: string): Promise<Person | undefined> {
    const r = await this.db.get('SELECT * FROM people WHERE id = ?', [id]);
    return r ? personOf(r) : undefined;
  }

  async listPeople(): Promise<Person[]> {
    return (await this.db.all('SELECT * FROM people ORDER BY id')).map(personOf);
  }

  async upsertCourse(c: Course): Promise<boolean> {
    const existing = await this.db.get('SELECT id FROM courses WHERE id = ?', [c.id]);
    if (existing) {
      await this.db.run('UPDATE courses SET title = ? WHERE id = ?', [c.title, c.id]);
      return false;
    }
    await this.db.run('INSERT INTO courses (id, title, created_at) VALUES (?, ?, ?)', [c.id, c.title, this.iso()]);
    return true;
  }

  async getCourse(id: string): Promise<Course | undefined> {
    const r = await this.db.get<{ id: string; title: string }>('SELECT id, title FROM courses WHERE id = ?', [id]);
    return r ? { id: r.id, title: r.title } : undefined;
  }

  /** Set a course's grading policy: the sandboxes whose grades are official for it; null: the deployment's. */
  async setCourseOfficialSandboxes(courseId: string, sandboxes: readonly string[] | null): Promise<void> {
    await this.db.run('UPDATE courses SET official_sandboxes = ? WHERE id = ?', [sandboxes ? sandboxes.join(',') : null, courseId]);
  }

  /** Set how long a workspace of the course may be idle before it is stopped (seconds); null: the deployment default. */
  async setCourseIdleStopSeconds(courseId: string, seconds: number | null): Promise<void> {
    await this.db.run('UPDATE courses SET idle_stop_seconds = ? WHERE id = ?', [seconds, courseId]);
  }

  /** A course's idle time (seconds), or undefined when it follows the deployment default. */
  async courseIdleStopSeconds(courseId: string): Promise<number | undefined> {
    const r = await this.db.get<{ idle_stop_seconds: number | null }>('SELECT idle_stop_seconds FROM courses WHERE id = ?', [courseId]);
    return r?.idle_stop_seconds === null || r?.idle_stop_seconds === undefined ? undefined : Number(r.idle_stop_seconds);
  }

  /** A course's grading policy, or undefined when it follows the deployment's. */
  async courseOfficialSandboxes(courseId: string): Promise<string[] | undefined> {
    const r = await this.db.get<{ official_sandboxes: string | null }>('SELECT official_sandboxes FROM courses WHERE id = ?', [courseId]);
    return r?.official_sandboxes ? r.official_sandboxes.split(',') : undefined;
  }

  async listCourses(): Promise<Course[]> {
    return this.db.all<Course>('SELECT id, title FROM courses ORDER BY id');
  }

  async enrol(e: Enrolment): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM enrolments WHERE course_id = ? AND person_id = ?', [e.courseId, e.personId]);
      await tx.run('INSERT INTO enrolments (course_id, person_id, role, created_at) VALUES (?, ?, ?, ?)', [e.courseId, e.personId, e.role, this.iso()]);
    });
  }

  async roleIn(courseId: string, personId: string): Promise<Role | undefined> {
    const r = await this.db.get<{ role: Role }>('SELECT role FROM enrolments WHERE course_id = ? AND person_id = ?', [courseId, personId]);
    return r?.role;
  }

  async enrolmentsOf(personId: string): Promise<Enrolment[]> {
    const rows = await this.db.all<{ course_id: string; role: Role }>('SELECT course_id, role FROM enrolments WHERE person_id = ? ORDER BY course_id', [personId]);
    return rows.map((r) => ({ courseId: r.course_id, personId, role: r.role }));
  }

  async members(courseId: string, role?: Role): Promise<Array<Person & { role: Role }>> {
    const rows = await this.db.all(
      `SELECT p.*, e.role AS role FROM enrolments e JOIN people p ON p.id = e.person_id WHERE e.course_id = ?${role ? ' AND e.role = ?' : ''} ORDER BY p.id`,
      role ? [courseId, role] : [courseId],
    );
    return rows.map((r) => ({ ...personOf(r), role: String(r.role) as Role }));
  }

  // ---- assignments and extensions ----

  /** Insert or replace; resolves to true when it was new. */
  async upsertAssignment(a: Omit<Assignment, 'createdAt' | 'updatedAt'>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const existing = await tx.get('SELECT id FROM assignments WHERE course_id = ? AND id = ?', [a.courseId, a.id]);
      const values = [
        a.title,
        a.description,
        a.opensAt,
        a.dueAt,
        a.penaltyPercentPerDay,
        a.cutoffAt,
        a.specJson,
        a.publicSpecJson,
        JSON.stringify(a.starterManifest),
        JSON.stringify(a.publicFilesManifest),
        a.maxScore,
        a.showHiddenNames ? 1 : 0,
        a.bonusPoints ?? 0,
      ];
      if (existing) {
        await tx.run(
          `UPDATE assignments SET title = ?, description = ?, opens_at = ?, due_at = ?, penalty_per_day = ?, cutoff_at = ?, spec_json = ?,
             public_spec_json = ?, starter_manifest = ?, public_files_manifest = ?, max_score = ?, show_hidden_names = ?, bonus_points = ?,
             updated_at = ? WHERE course_id = ? AND id = ?`,
          [...values, this.iso(), a.courseId, a.id],
        );
        return false;
      }
      await tx.run(
        `INSERT INTO assignments (title, description, opens_at, due_at, penalty_per_day, cutoff_at, spec_json, public_spec_json,
           starter_manifest, public_files_manifest, max_score, show_hidden_names, bonus_points, created_at, updated_at, course_id, id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [...values, this.iso(), this.iso(), a.courseId, a.id],
      );
      return true;
    });
  }

  async getAssignment(courseId: string, id: string): Promise<Assignment | undefined> {
    const r = await this.db.get('SELECT * FROM assignments WHERE course_id = ? AND id = ?', [courseId, id]);
    return r ? assignmentOf(r) : undefined;
  }

  async listAssignments(courseId?: string): Promise<Assignment[]> {
    const rows = courseId
      ? await this.db.all('SELECT * FROM assignments WHERE course_id = ? ORDER BY due_at, id', [courseId])
      : await this.db.all('SELECT * FROM assignments ORDER BY course_id, due_at, id');
    return rows.map(assignmentOf);
  }

  async setExtension(e: Extension): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM extensions WHERE course_id = ? AND assignment_id = ? AND student_id = ?', [e.courseId, e.assignmentId, e.studentId]);
      await tx.run(
        'INSERT INTO extensions (course_id, assignment_id, student_id, due_at, granted_by, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [e.courseId, e.assignmentId, e.studentId, e.dueAt, e.grantedBy, e.comment, this.iso()],
      );
    });
  }

  async extensionsOf(courseId: string, assignmentId?: string): Promise<Extension[]> {
    const rows = await this.db.all(
      `SELECT * FROM extensions WHERE course_id = ?${assignmentId ? ' AND assignment_id = ?' : ''}`,
      assignmentId ? [courseId, assignmentId] : [courseId],
    );
    return rows.map((r) => ({
      courseId: String(r.course_id),
      assignmentId: String(r.assignment_id),
      studentId: String(r.student_id),
      dueAt: String(r.due_at),
      grantedBy: String(r.granted_by),
      comment: str(r.comment),
    }));
  }

  async extension(courseId: string, assignmentId: string, studentId: string): Promise<Extension | undefined> {
    return (await this.extensionsOf(courseId, assignmentId)).find((e) => e.studentId === studentId);
  }

  // ---- submissions and grading ----

  /** Store a submission and queue its grading job in one transaction. */
  async addSubmission(s: Omit<Submission, 'status'>, tx?: SqlRunner): Promise<Submission> {
    const write = async (t: SqlRunner): Promise<void> => {
      await t.run(
        `INSERT INTO submissions (id, course_id, assignment_id, student_id, snapshot_hash, submitted_at, source, late, penalty_percent,
           file_count, total_bytes, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [s.id, s.courseId, s.assignmentId, s.studentId, s.snapshotHash, s.submittedAt, s.source, s.late, s.penaltyPercent, s.fileCount, s.totalBytes, 'queued'],
      );
      await this.enqueue(t, s.id);
    };
    if (tx) await write(tx);
    else await this.db.transaction(write);
    return { ...s, status: 'queued' };
  }

  private async enqueue(tx: SqlRunner, submissionId: string): Promise<string> {
    // A submission has at most one job waiting or running: a regrade while one runs reuses it.
    const open = await tx.get<{ id: string }>("SELECT id FROM jobs WHERE submission_id = ? AND state <> 'done'", [submissionId]);
    if (open) return open.id;
    const id = newId('j');
    await tx.run("INSERT INTO jobs (id, submission_id, state, attempts, created_at) VALUES (?, ?, 'queued', 0, ?)", [id, submissionId, this.iso()]);
    return id;
  }

  /** Queue grading again for these submissions. */
  async requeue(submissionIds: string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const id of submissionIds) {
        await this.enqueue(tx, id);
        await tx.run("UPDATE submissions SET status = 'queued' WHERE id = ?", [id]);
      }
    });
  }

  async getSubmission(id: string): Promise<Submission | undefined> {
    const r = await this.db.get('SELECT * FROM submissions WHERE id = ?', [id]);
    return r ? submissionOf(r) : undefined;
  }

  /** Newest first. */
  async listSubmissions(f: SubmissionFilter): Promise<Submission[]> {
    let sql = 'SELECT * FROM submissions WHERE course_id = ?';
    const params: unknown[] = [f.courseId];
    if (f.assignmentId) {
      sql += ' AND assignment_id = ?';
      params.push(f.assignmentId);
    }
    if (f.studentId) {
      sql += ' AND student_id = ?';
      params.push(f.studentId);
    }
    sql += ' ORDER BY submitted_at DESC, id DESC';
    return (await this.db.all(sql, params)).map(submissionOf);
  }

  async latestSubmission(courseId: string, assignmentId: string, studentId: string): Promise<Submission | undefined> {
    return (await this.listSubmissions({ courseId, assignmentId, studentId }))[0];
  }

  async setOverride(submissionId: string, o: { score: number; comment: string; authorId: string } | undefined): Promise<void> {
    if (o) {
      await this.db.run('UPDATE submissions SET override_score = ?, override_comment = ?, override_author = ?, override_at = ? WHERE id = ?', [
        o.score,
        o.comment,
        o.authorId,
        this.iso(),
        submissionId,
      ]);
    } else {
      await this.db.run('UPDATE submissions SET override_score = NULL, override_comment = NULL, override_author = NULL, override_at = NULL WHERE id = ?', [
        submissionId,
      ]);
    }
  }

  // ---- grading jobs ----

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
  ): Promise<{ job: Job; submission: Submission } | undefined> {
    if (!accepts) return this.leaseCandidate(workerId, leaseExpiresMs);
    const page = 200;
    for (let offset = 0; ; offset += page) {
      const candidates = await this.db.all<{ id: string; course_id: string; assignment_id: string }>(
        `SELECT j.id, s.course_id, s.assignment_id FROM jobs j JOIN submissions s ON s.id = j.submission_id WHERE j.state = 'queued' ORDER BY j.created_at, j.id LIMIT ${page} OFFSET ${offset}`,
      );
      for (const c of candidates) {
        if (!(await accepts({ courseId: String(c.course_id), assignmentId: String(c.assignment_id) }))) continue;
        const taken = await this.leaseCandidate(workerId, leaseExpiresMs, String(c.id));
        if (taken) return taken;
      }
      if (candidates.length < page) return undefined;
    }
  }

  /** Lease job `id` (or the oldest queued one) if it is still queued. */
  private leaseCandidate(workerId: string, leaseExpiresMs: number, id?: string): Promise<{ job: Job; submission: Submission } | undefined> {
    // SQLite runs one transaction at a time; PostgreSQL skips rows another transaction is leasing.
    const lock = this.db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    return this.db.transaction(async (tx) => {
      const candidate = id
        ? await tx.get<{ id: string }>(`SELECT id FROM jobs WHERE id = ? AND state = 'queued'${lock}`, [id])
        : await tx.get<{ id: string }>(`SELECT id FROM jobs WHERE state = 'queued' ORDER BY created_at, id LIMIT 1${lock}`);
      if (!candidate) return undefined;
      const changed = await tx.run(
        "UPDATE jobs SET state = 'leased', lease_id = ?, worker_id = ?, lease_expires_ms = ?, spec_hash = NULL, attempts = attempts + 1 WHERE id = ? AND state = 'queued'",
        [newId('l'), workerId, leaseExpiresMs, candidate.id],
      );
      if (changed !== 1) return undefined;
      const job = jobOf((await tx.get('SELECT * FROM jobs WHERE id = ?', [candidate.id]))!);
      await tx.run("UPDATE submissions SET status = 'grading' WHERE id = ?", [job.submissionId]);
      const submission = submissionOf((await tx.get('SELECT * FROM submissions WHERE id = ?', [job.submissionId]))!);
      return { job, submission };
    });
  }

  /** Note which specification the live lease of a job was given. */
  async setLeaseSpecHash(jobId: string, leaseId: string, specHash: string): Promise<boolean> {
    return (await this.db.run("UPDATE jobs SET spec_hash = ? WHERE id = ? AND lease_id = ? AND state = 'leased'", [specHash, jobId, leaseId])) === 1;
  }

  /** Extend a lease; false when the lease is no longer this one's. */
  async heartbeat(jobId: string, leaseId: string, leaseExpiresMs: number): Promise<boolean> {
    const changed = await this.db.run("UPDATE jobs SET lease_expires_ms = ? WHERE id = ? AND lease_id = ? AND state = 'leased'", [leaseExpiresMs, jobId, leaseId]);
    return changed === 1;
  }

  /**
   * Record a job's result exactly once: the job moves from `leased` under this
   * lease to `done` and the submission gets its score in the same transaction.
   * Resolves to the updated submission, or undefined when the lease was lost.
   */
  async completeJob(
    jobId: string,
    leaseId: string,
    outcome: { status: 'graded' | 'failed'; rawScore?: number; maxScore?: number; resultJson: string },
    record?: Omit<GradeRecord, 'id' | 'submissionId' | 'jobId' | 'status' | 'score' | 'maxScore' | 'resultJson' | 'recordedAt'>,
  ): Promise<Submission | undefined> {
    return this.db.transaction(async (tx) => {
      const changed = await tx.run(
        "UPDATE jobs SET state = 'done', finished_at = ?, lease_expires_ms = NULL WHERE id = ? AND lease_id = ? AND state = 'leased'",
        [this.iso(), jobId, leaseId],
      );
      if (changed !== 1) return undefined;
      const job = jobOf((await tx.get('SELECT * FROM jobs WHERE id = ?', [jobId]))!);
      if (record) {
        await tx.run(
          `INSERT INTO grade_records (id, submission_id, job_id, worker_id, official, status, sandbox, sandbox_version, snapshot_hash, spec_hash,
             source_hash, toolchain_hash, score, max_score, result_json, worker_json, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            // Ids sort by the real time they were made: records made in one tick of an injected clock keep their order.
            `g_${Date.now().toString(36).padStart(10, '0')}${newId('').slice(1)}`,
            job.submissionId,
            jobId,
            record.workerId,
            record.official ? 1 : 0,
            outcome.status,
            record.sandbox,
            record.sandboxVersion,
            record.snapshotHash,
            record.specHash,
            record.sourceHash,
            record.toolchainHash,
            outcome.rawScore,
            outcome.maxScore,
            outcome.resultJson,
            record.workerJson,
            this.iso(),
          ],
        );
      }
      await tx.run('UPDATE submissions SET status = ?, raw_score = ?, max_score = ?, result_json = ?, graded_at = ? WHERE id = ?', [
        outcome.status,
        outcome.rawScore,
        outcome.maxScore,
        outcome.resultJson,
        this.iso(),
        job.submissionId,
      ]);
      return submissionOf((await tx.get('SELECT * FROM submissions WHERE id = ?', [job.submissionId]))!);
    });
  }

  /** Put a leased job back in the queue (worker handed it back or its sandbox failed). */
  async releaseJob(jobId: string, leaseId: string): Promise<boolean> {
    const changed = await this.db.run(
      "UPDATE jobs SET state = 'queued', lease_id = NULL, worker_id = NULL, lease_expires_ms = NULL WHERE id = ? AND lease_id = ? AND state = 'leased'",
      [jobId, leaseId],
    );
    return changed === 1;
  }

  /** Re-queue every job whose lease ended before `nowMs`; resolves to their ids. */
  async expireLeases(nowMs: number): Promise<string[]> {
    const expired = await this.db.all<{ id: string; lease_id: string }>(
      "SELECT id, lease_id FROM jobs WHERE state = 'leased' AND lease_expires_ms < ?",
      [nowMs],
    );
    const done: string[] = [];
    for (const j of expired) if (await this.releaseJob(j.id, j.lease_id)) done.push(j.id);
    return done;
  }

  /** Every grade record of a submission, newest first. */
  async gradeRecords(submissionId: string): Promise<GradeRecord[]> {
    return (await this.db.all('SELECT * FROM grade_records WHERE submission_id = ? ORDER BY recorded_at DESC, id DESC', [submissionId])).map(gradeRecordOf);
  }

  async getGradeRecord(id: string): Promise<GradeRecord | undefined> {
    const r = await this.db.get('SELECT * FROM grade_records WHERE id = ?', [id]);
    return r ? gradeRecordOf(r) : undefined;
  }

  async getJob(id: string): Promise<Job | undefined> {
    const r = await this.db.get('SELECT * FROM jobs WHERE id = ?', [id]);
    return r ? jobOf(r) : undefined;
  }

  async jobsOf(submissionId: string): Promise<Job[]> {
    return (await this.db.all('SELECT * FROM jobs WHERE submission_id = ? ORDER BY created_at, id', [submissionId])).map(jobOf);
  }

  /** How long the oldest queued job has waited since it was queued (ms, by the hub's clock); null when none is queued. */
  async oldestQueuedJobAgeMs(): Promise<number | null> {
    const r = await this.db.get<{ created_at: unknown }>("SELECT MIN(created_at) AS created_at FROM jobs WHERE state = 'queued'");
    const at = r?.created_at ? Date.parse(String(r.created_at)) : NaN;
    return Number.isNaN(at) ? null : Math.max(0, this.now().getTime() - at);
  }

  async jobCounts(): Promise<Record<string, number>> {
    const rows = await this.db.all<{ state: string; n: unknown }>('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state');
    const out: Record<string, number> = { queued: 0, leased: 0, done: 0 };
    for (const r of rows) out[r.state] = Number(r.n);
    return out;
  }

  // ---- deadlines ----

  async collection(courseId: string, assignmentId: string, studentId: string): Promise<DeadlineCollection | undefined> {
    const r = await this.db.get('SELECT * FROM deadline_collections WHERE course_id = ? AND assignment_id = ? AND student_id = ?', [courseId, assignmentId, studentId]);
    return r
      ? {
          courseId,
          assignmentId,
          studentId,
          dueAt: String(r.due_at),
          processedAt: String(r.processed_at),
          submissionId: str(r.submission_id),
          note: str(r.note),
        }
      : undefined;
  }

  /** Students whose deadline for this assignment was processed already. */
  async collectedStudents(courseId: string, assignmentId: string): Promise<Set<string>> {
    const rows = await this.db.all<{ student_id: string }>('SELECT student_id FROM deadline_collections WHERE course_id = ? AND assignment_id = ?', [courseId, assignmentId]);
    return new Set(rows.map((r) => r.student_id));
  }

  /** Students who have at least one submission for this assignment. */
  async submitters(courseId: string, assignmentId: string): Promise<Set<string>> {
    const rows = await this.db.all<{ student_id: string }>('SELECT DISTINCT student_id FROM submissions WHERE course_id = ? AND assignment_id = ?', [courseId, assignmentId]);
    return new Set(rows.map((r) => r.student_id));
  }

  /**
   * Record that a student's deadline was processed, together with the collected
   * submission (if any), in one transaction; false when another process did it first.
   */
  async recordCollection(c: Omit<DeadlineCollection, 'processedAt'>, submission?: Omit<Submission, 'status'>): Promise<boolean> {
    try {
      return await this.db.transaction(async (tx) => {
        const already = await tx.get('SELECT student_id FROM deadline_collections WHERE course_id = ? AND assignment_id = ? AND student_id = ?', [
          c.courseId,
          c.assignmentId,
          c.studentId,
        ]);
        if (already) return false;
        await tx.run(
          'INSERT INTO deadline_collections (course_id, assignment_id, student_id, due_at, processed_at, submission_id, note) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [c.courseId, c.assignmentId, c.studentId, c.dueAt, this.iso(), c.submissionId, c.note],
        );
        if (submission) await this.addSubmission(submission, tx);
        return true;
      });
    } catch (err) {
      // A concurrent insert of the same key (primary key violation) means someone else collected it.
      if (await this.collection(c.courseId, c.assignmentId, c.studentId)) return false;
      throw err;
    }
  }

  // ---- tokens ----

  async insertToken(t: Omit<TokenRecord, 'createdAt'>): Promise<void> {
    await this.db.run('INSERT INTO tokens (id, hash, person_id, scopes, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      t.id,
      t.hash,
      t.personId,
      t.scopes.join(' '),
      t.label,
      this.iso(),
      t.expiresAt,
    ]);
  }

  async tokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const r = await this.db.get('SELECT * FROM tokens WHERE hash = ?', [hash]);
    return r ? tokenOf(r) : undefined;
  }

  async listTokens(personId?: string): Promise<TokenRecord[]> {
    const rows = personId
      ? await this.db.all('SELECT * FROM tokens WHERE person_id = ? ORDER BY created_at', [personId])
      : await this.db.all('SELECT * FROM tokens ORDER BY created_at');
    return rows.map(tokenOf);
  }

  /** Revoke by id; false when no such live token. */
  async revokeToken(id: string): Promise<boolean> {
    return (await this.db.run('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [this.iso(), id])) === 1;
  }

  // ---- audit ----

  async audit(e: Omit<AuditRecord, 'id' | 'at'>): Promise<void> {
    await this.db.run('INSERT INTO audit (id, at, actor_id, action, course_id, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      newId('a'),
      this.iso(),
      e.actorId,
      e.action,
      e.courseId,
      e.target,
      e.detail,
    ]);
  }

  async listAudit(courseId: string, limit = 100): Promise<AuditRecord[]> {
    const rows = await this.db.all('SELECT * FROM audit WHERE course_id = ? ORDER BY at DESC, id DESC LIMIT ?', [courseId, limit]);
    return rows.map((r) => ({
      id: String(r.id),
      at: String(r.at),
      actorId: String(r.actor_id),
      action: String(r.action),
      courseId: str(r.course_id),
      target: str(r.target),
      detail: str(r.detail),
    }));
  }
}
