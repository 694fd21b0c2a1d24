// Rows as the database returns them, turned into the hub's records: integers
// into booleans, nulls into absent fields, JSON and lists out of their text.

import type { Selectable } from 'kysely';
import type { Assignment, GradeRecord, Job, ManifestEntry, Person, Submission, SubmissionStatus, TokenRecord } from './records';
import type { AssignmentsTable, GradeRecordsTable, JobsTable, PeopleTable, SubmissionsTable, TokensTable } from './tables';

/** null as absent. */
export const opt = <T>(v: T | null | undefined): T | undefined => (v === null || v === undefined ? undefined : v);
/** A number the database may return as text (PostgreSQL's bigint, numeric), null as absent. */
export const optNum = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
/** absent as null (Kysely leaves an undefined value out of a statement; the old value would stay). */
export const nul = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

export function personOf(r: Selectable<PeopleTable>): Person {
  return { id: r.id, name: r.name, email: opt(r.email), admin: Number(r.admin) === 1 };
}

export function assignmentOf(r: Selectable<AssignmentsTable>): Assignment {
  return {
    courseId: r.course_id,
    id: r.id,
    title: r.title,
    description: r.description,
    opensAt: opt(r.opens_at),
    dueAt: opt(r.due_at),
    penaltyPercentPerDay: Number(r.penalty_per_day),
    cutoffAt: opt(r.cutoff_at),
    specJson: r.spec_json,
    publicSpecJson: r.public_spec_json,
    starterManifest: JSON.parse(r.starter_manifest) as ManifestEntry[],
    publicFilesManifest: JSON.parse(r.public_files_manifest) as ManifestEntry[],
    maxScore: Number(r.max_score),
    showHiddenNames: Number(r.show_hidden_names ?? 0) === 1,
    bonusPoints: Number(r.bonus_points ?? 0),
    ...(r.max_late_days === null || r.max_late_days === undefined ? {} : { maxLateDays: Number(r.max_late_days) }),
    revealHiddenAfterDeadline: Number(r.reveal_hidden_after_deadline ?? 0) === 1,
    maxAttempts: optNum(r.max_attempts),
    minIntervalSeconds: optNum(r.min_interval_seconds),
    ...(r.group_max_size === null || r.group_max_size === undefined ? {} : { groupMaxSize: Number(r.group_max_size) }),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function submissionOf(r: Selectable<SubmissionsTable>): Submission {
  return {
    id: r.id,
    courseId: r.course_id,
    assignmentId: r.assignment_id,
    studentId: r.student_id,
    snapshotHash: r.snapshot_hash,
    submittedAt: r.submitted_at,
    source: r.source as Submission['source'],
    late: Number(r.late) === 1,
    penaltyPercent: Number(r.penalty_percent),
    lateDaysUsed: Number(r.late_days_used ?? 0),
    fileCount: Number(r.file_count),
    totalBytes: Number(r.total_bytes),
    status: r.status as SubmissionStatus,
    rawScore: optNum(r.raw_score),
    maxScore: optNum(r.max_score),
    resultJson: opt(r.result_json),
    gradedAt: opt(r.graded_at),
    override:
      r.override_at === null || r.override_score === null
        ? undefined
        : { score: Number(r.override_score), comment: String(r.override_comment), authorId: String(r.override_author), at: r.override_at },
    rubricPoints: optNum(r.rubric_points),
  };
}

export function jobOf(r: Selectable<JobsTable>): Job {
  return {
    id: r.id,
    submissionId: r.submission_id,
    state: r.state as Job['state'],
    attempts: Number(r.attempts),
    leaseId: opt(r.lease_id),
    workerId: opt(r.worker_id),
    leaseExpiresMs: optNum(r.lease_expires_ms),
    specHash: opt(r.spec_hash),
    createdAt: r.created_at,
    finishedAt: opt(r.finished_at),
  };
}

export function gradeRecordOf(r: Selectable<GradeRecordsTable>): GradeRecord {
  return {
    id: r.id,
    submissionId: r.submission_id,
    jobId: r.job_id,
    workerId: r.worker_id,
    official: Number(r.official) === 1,
    status: r.status as GradeRecord['status'],
    sandbox: r.sandbox,
    sandboxVersion: r.sandbox_version,
    snapshotHash: r.snapshot_hash,
    specHash: r.spec_hash,
    sourceHash: r.source_hash,
    toolchainHash: r.toolchain_hash,
    score: optNum(r.score),
    maxScore: optNum(r.max_score),
    resultJson: r.result_json,
    workerJson: r.worker_json,
    recordedAt: r.recorded_at,
  };
}

export function tokenOf(r: Selectable<TokensTable>): TokenRecord {
  return {
    id: r.id,
    hash: r.hash,
    personId: opt(r.person_id),
    scopes: r.scopes.split(' ').filter(Boolean),
    label: opt(r.label),
    createdAt: r.created_at,
    expiresAt: opt(r.expires_at),
    revokedAt: opt(r.revoked_at),
  };
}
