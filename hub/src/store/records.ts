// The hub's data as plain records (what the store reads and writes).

export type Role = 'professor' | 'assistant' | 'student';

export interface Person {
  id: string;
  name: string;
  email?: string;
  admin: boolean;
}

export interface Course {
  id: string;
  title: string;
}

export interface Enrolment {
  courseId: string;
  personId: string;
  role: Role;
}

/** A file of a folder snapshot, its content in the blob store. */
export interface ManifestEntry {
  path: string;
  sha256: string;
  size: number;
  mode: number;
}

export interface Assignment {
  courseId: string;
  id: string;
  title: string;
  /** Markdown. */
  description: string;
  opensAt?: string;
  dueAt?: string;
  penaltyPercentPerDay: number;
  cutoffAt?: string;
  /** The full resolved grading specification (hidden tests included), JSON. */
  specJson: string;
  /** The public specification students receive, JSON. */
  publicSpecJson: string;
  starterManifest: ManifestEntry[];
  /** Public test data written under `.classpod/tests/`. */
  publicFilesManifest: ManifestEntry[];
  maxScore: number;
  /** Whether students read the names of hidden tests in their results (else "hidden test 2 of 4"). */
  showHiddenNames?: boolean;
  /** Points a score override may give above `maxScore` (0: none). */
  bonusPoints?: number;
  /** Late days (tokens) the assignment takes at most; 0: none; absent: as many as the student has (deadlines/late-days.ts). */
  maxLateDays?: number;
  /** Whether students read hidden test names once their deadline (cut-off if any) has passed. */
  revealHiddenAfterDeadline?: boolean;
  /** Official submissions a student may make (absent: no limit). */
  maxAttempts?: number;
  /** Least time between two of a student's official submissions, seconds (absent: none). */
  minIntervalSeconds?: number;
  /** A group assignment: the largest group staff may form (absent: each student works alone). */
  groupMaxSize?: number;
  createdAt: string;
  updatedAt: string;
}

export interface Extension {
  courseId: string;
  assignmentId: string;
  studentId: string;
  dueAt: string;
  grantedBy: string;
  comment?: string;
}

/** One student's official submissions of one assignment, counted by the hub. */
export interface AttemptCounter {
  /** Official submissions made. */
  used: number;
  /** Extra attempts staff granted. */
  extra: number;
  /** Hub time of the last official submission. */
  lastAt?: string;
}

export type SubmissionStatus = 'queued' | 'grading' | 'graded' | 'failed';

export interface Submission {
  id: string;
  courseId: string;
  assignmentId: string;
  studentId: string;
  snapshotHash: string;
  submittedAt: string;
  source: 'submitted' | 'collected';
  late: boolean;
  penaltyPercent: number;
  /** Late-day tokens the submission spent when it was taken (deadlines/late-days.ts); 0 when on time. */
  lateDaysUsed?: number;
  fileCount: number;
  totalBytes: number;
  status: SubmissionStatus;
  rawScore?: number;
  maxScore?: number;
  resultJson?: string;
  gradedAt?: string;
  override?: { score: number; comment: string; authorId: string; at: string };
  /** Sum of the rubric items applied (absent: none is). */
  rubricPoints?: number;
}

export type JobState = 'queued' | 'leased' | 'done';

/** What produced one grading of a submission: kept for every grading, official or not. */
export interface GradeRecord {
  id: string;
  submissionId: string;
  jobId: string;
  workerId: string;
  /** Whether the worker met the grading policy: only official grades become a submission's score. */
  official: boolean;
  status: 'graded' | 'failed';
  sandbox: string;
  sandboxVersion: string;
  snapshotHash: string;
  specHash: string;
  sourceHash: string;
  toolchainHash: string;
  score?: number;
  maxScore?: number;
  /** The worker's result with its provenance, JSON. */
  resultJson: string;
  /** The worker's identity as it registered, JSON. */
  workerJson: string;
  recordedAt: string;
}

export interface Job {
  id: string;
  submissionId: string;
  state: JobState;
  attempts: number;
  leaseId?: string;
  workerId?: string;
  leaseExpiresMs?: number;
  /** The spec the live lease was given (`sha256:…` of its canonical JSON). */
  specHash?: string;
  createdAt: string;
  finishedAt?: string;
}

export interface TokenRecord {
  id: string;
  hash: string;
  personId?: string;
  scopes: string[];
  label?: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
}

export interface AuditRecord {
  id: string;
  at: string;
  actorId: string;
  action: string;
  courseId?: string;
  target?: string;
  detail?: string;
}

export interface DeadlineCollection {
  courseId: string;
  assignmentId: string;
  studentId: string;
  dueAt: string;
  processedAt: string;
  submissionId?: string;
  note?: string;
}

/** One recorded state of a student's assignment folder (its manifest in the blob store). */
export interface FolderVersion {
  id: string;
  courseId: string;
  studentId: string;
  assignmentId: string;
  /** Order among the versions of one folder (1, 2, …). */
  seq: number;
  /** Hub time of the recording. */
  recordedAt: string;
  manifestHash: string;
  fileCount: number;
  totalBytes: number;
  /** Who made the edits this version records (person ids; a group workspace's members), when known. */
  authors?: string[];
}

/** A comment staff wrote on lines of a submitted file. */
export interface FeedbackComment {
  id: string;
  /** The first comment of its thread (its own id when it starts one). */
  threadId: string;
  submissionId: string;
  courseId: string;
  assignmentId: string;
  studentId: string;
  /** Relative path in the submission's snapshot. */
  path: string;
  /** First and last line (1-based). */
  line: number;
  endLine: number;
  /** Markdown. */
  body: string;
  authorId: string;
  /** Hub time it was written. */
  at: string;
}
