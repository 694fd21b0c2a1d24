// The hub's tables and their columns, as the database holds them: the one
// declaration the repositories' queries are typed against (Kysely). Booleans
// are integers (0/1) and instants ISO 8601 text on both SQLite and PostgreSQL.
// The migrations (migrations.ts) create exactly these.

import type { Kysely } from 'kysely';

type Nullable<T> = T | null;

export interface PeopleTable {
  id: string;
  name: string;
  email: Nullable<string>;
  admin: number;
  created_at: string;
}

export interface CoursesTable {
  id: string;
  title: string;
  created_at: string;
  /** Comma-separated sandbox names; null: the deployment's policy. */
  official_sandboxes: Nullable<string>;
  idle_stop_seconds: Nullable<number>;
  /** Late-day tokens every student of the course has; null: none. */
  late_days: Nullable<number>;
}

export interface EnrolmentsTable {
  course_id: string;
  person_id: string;
  role: string;
  created_at: string;
  /** Set when the person was withdrawn: the row and their work stay, further work is refused. */
  withdrawn_at: Nullable<string>;
  section_id: Nullable<string>;
}

export interface AssignmentsTable {
  course_id: string;
  id: string;
  title: string;
  description: string;
  opens_at: Nullable<string>;
  due_at: Nullable<string>;
  penalty_per_day: number;
  cutoff_at: Nullable<string>;
  spec_json: string;
  public_spec_json: string;
  /** JSON: ManifestEntry[]. */
  starter_manifest: string;
  /** JSON: ManifestEntry[]. */
  public_files_manifest: string;
  max_score: number;
  show_hidden_names: number;
  bonus_points: number;
  /** Late days the assignment takes at most; null: as many as the student has. */
  max_late_days: Nullable<number>;
  reveal_hidden_after_deadline: number;
  max_attempts: Nullable<number>;
  min_interval_seconds: Nullable<number>;
  group_max_size: Nullable<number>;
  created_at: string;
  updated_at: string;
}

export interface ExtensionsTable {
  course_id: string;
  assignment_id: string;
  student_id: string;
  due_at: string;
  granted_by: string;
  comment: Nullable<string>;
  created_at: string;
}

export interface SubmissionsTable {
  id: string;
  course_id: string;
  assignment_id: string;
  student_id: string;
  snapshot_hash: string;
  submitted_at: string;
  source: string;
  late: number;
  penalty_percent: number;
  late_days_used: number;
  file_count: number;
  total_bytes: number;
  status: string;
  raw_score: Nullable<number>;
  max_score: Nullable<number>;
  result_json: Nullable<string>;
  graded_at: Nullable<string>;
  override_score: Nullable<number>;
  override_comment: Nullable<string>;
  override_author: Nullable<string>;
  override_at: Nullable<string>;
  /** Sum of the rubric items applied (null: none is). */
  rubric_points: Nullable<number>;
}

export interface DeadlineCollectionsTable {
  course_id: string;
  assignment_id: string;
  student_id: string;
  due_at: string;
  processed_at: string;
  submission_id: Nullable<string>;
  note: Nullable<string>;
}

export interface JobsTable {
  id: string;
  submission_id: string;
  state: string;
  attempts: number;
  lease_id: Nullable<string>;
  worker_id: Nullable<string>;
  lease_expires_ms: Nullable<number>;
  spec_hash: Nullable<string>;
  created_at: string;
  finished_at: Nullable<string>;
}

export interface GradeRecordsTable {
  id: string;
  submission_id: string;
  job_id: string;
  worker_id: string;
  official: number;
  status: string;
  sandbox: string;
  sandbox_version: string;
  snapshot_hash: string;
  spec_hash: string;
  source_hash: string;
  toolchain_hash: string;
  score: Nullable<number>;
  max_score: Nullable<number>;
  result_json: string;
  worker_json: string;
  recorded_at: string;
}

export interface TokensTable {
  id: string;
  hash: string;
  person_id: Nullable<string>;
  /** Space-separated. */
  scopes: string;
  label: Nullable<string>;
  created_at: string;
  expires_at: Nullable<string>;
  revoked_at: Nullable<string>;
}

export interface AuditTable {
  id: string;
  at: string;
  actor_id: string;
  action: string;
  course_id: Nullable<string>;
  target: Nullable<string>;
  detail: Nullable<string>;
}

export interface VersionsTable {
  id: string;
  course_id: string;
  student_id: string;
  assignment_id: string;
  seq: number;
  recorded_at: string;
  manifest_hash: string;
  file_count: number;
  total_bytes: number;
  /** Space-separated person ids of whoever's edits made the version (a group workspace's members), when known. */
  authors: Nullable<string>;
}

export interface IdentitiesTable {
  issuer: string;
  subject: string;
  person_id: string;
  created_at: string;
  last_sign_in_at: Nullable<string>;
}

export interface SignInsTable {
  state: string;
  browser_hash: string;
  nonce: string;
  code_verifier: string;
  created_at: string;
  expires_at: string;
  client_redirect: Nullable<string>;
  client_challenge: Nullable<string>;
  client_state: Nullable<string>;
}

export interface SignInHandoffsTable {
  code_hash: string;
  person_id: string;
  client_challenge: string;
  detail: string;
  created_at: string;
  expires_at: string;
  provider_refresh: Nullable<string>;
}

export interface SessionRefreshesTable {
  refresh_hash: string;
  token_id: string;
  person_id: string;
  issuer: string;
  subject: string;
  /** Sealed (auth/refresh-cipher.ts). */
  provider_refresh: string;
  created_at: string;
  expires_at: string;
  /** The sign-in every renewal descends from (the refresh hash of its first row). */
  family_id: string | null;
  /** When it renewed a session; a spent row is kept so that its reuse is recognised. */
  used_at: string | null;
}

export interface PrewarmSessionsTable {
  id: string;
  course_id: string;
  starts_at: string;
  lead_seconds: number;
  warm_at: string;
  label: Nullable<string>;
  /** scheduled, warmed, missed or cancelled. */
  state: string;
  created_by: string;
  created_at: string;
  warmed_at: Nullable<string>;
  started: Nullable<number>;
  failed: Nullable<number>;
}

export interface InvitesTable {
  id: string;
  course_id: string;
  /** sha256 of the code; the code itself is never kept. */
  code_hash: string;
  role: string;
  section_id: Nullable<string>;
  expires_at: string;
  max_uses: Nullable<number>;
  uses: number;
  created_by: string;
  created_at: string;
  revoked_at: Nullable<string>;
}

export interface FeedbackCommentsTable {
  id: string;
  thread_id: string;
  submission_id: string;
  course_id: string;
  assignment_id: string;
  student_id: string;
  path: string;
  line: number;
  end_line: number;
  body: string;
  author_id: string;
  at: string;
}

export interface RegradeRequestsTable {
  id: string;
  submission_id: string;
  course_id: string;
  assignment_id: string;
  student_id: string;
  test_name: Nullable<string>;
  path: Nullable<string>;
  line: Nullable<number>;
  message: string;
  at: string;
  state: string;
  answer_message: Nullable<string>;
  answer_outcome: Nullable<string>;
  answer_score: Nullable<number>;
  answered_by: Nullable<string>;
  answered_at: Nullable<string>;
}

export interface HelpRequestsTable {
  id: string;
  course_id: string;
  assignment_id: string;
  student_id: string;
  /** `<course>/<student>` while the request is open, null once closed (unique: one open hand each). */
  open_key: Nullable<string>;
  message: string;
  test_name: Nullable<string>;
  test_message: Nullable<string>;
  state: string;
  raised_at: string;
  helper_id: Nullable<string>;
  taken_at: Nullable<string>;
  terminal_since: Nullable<string>;
  ended_at: Nullable<string>;
  ended_by: Nullable<string>;
}

export interface RubricItemsTable {
  course_id: string;
  assignment_id: string;
  id: string;
  points: number;
  description: string;
  position: number;
}

export interface RubricApplicationsTable {
  submission_id: string;
  item_id: string;
  course_id: string;
  assignment_id: string;
  applied_by: string;
  applied_at: string;
}

export interface LateDayGrantsTable {
  id: string;
  course_id: string;
  student_id: string;
  days: number;
  comment: Nullable<string>;
  granted_by: string;
  created_at: string;
}

export interface SubmissionAttemptsTable {
  course_id: string;
  assignment_id: string;
  student_id: string;
  used: number;
  extra: number;
  last_at: Nullable<string>;
}

export interface GroupsTable {
  course_id: string;
  assignment_id: string;
  id: string;
  created_by: string;
  created_at: string;
}

export interface GroupMembersTable {
  course_id: string;
  assignment_id: string;
  group_id: string;
  person_id: string;
}

/** Every table of the hub's database. */
export interface SimilarityRunsTable {
  id: string;
  course_id: string;
  assignment_id: string;
  /** Comma-separated course ids. */
  earlier_course_ids: string;
  state: string;
  phase: Nullable<string>;
  done: number;
  total: number;
  language: Nullable<string>;
  submission_count: number;
  file_count: number;
  pair_count: number;
  /** JSON: the files left out (at most 200). */
  skipped: string;
  skipped_count: number;
  message: Nullable<string>;
  requested_by: string;
  requested_at: string;
  finished_at: Nullable<string>;
}

export interface SimilarityPairsTable {
  run_id: string;
  id: string;
  rank: number;
  /** JSON: the left side (submission, student, course, path, earlier). */
  left_side: string;
  right_side: string;
  left_sha256: string;
  right_sha256: string;
  similarity: number;
  longest: number;
  overlap: number;
  /** JSON: the matching fragments, longest first. */
  fragments: string;
}

export interface Tables {
  people: PeopleTable;
  courses: CoursesTable;
  enrolments: EnrolmentsTable;
  assignments: AssignmentsTable;
  extensions: ExtensionsTable;
  submissions: SubmissionsTable;
  deadline_collections: DeadlineCollectionsTable;
  jobs: JobsTable;
  grade_records: GradeRecordsTable;
  tokens: TokensTable;
  audit: AuditTable;
  versions: VersionsTable;
  identities: IdentitiesTable;
  sign_ins: SignInsTable;
  sign_in_handoffs: SignInHandoffsTable;
  session_refreshes: SessionRefreshesTable;
  prewarm_sessions: PrewarmSessionsTable;
  invites: InvitesTable;
  feedback_comments: FeedbackCommentsTable;
  regrade_requests: RegradeRequestsTable;
  help_requests: HelpRequestsTable;
  rubric_items: RubricItemsTable;
  rubric_applications: RubricApplicationsTable;
  similarity_runs: SimilarityRunsTable;
  similarity_pairs: SimilarityPairsTable;
  late_day_grants: LateDayGrantsTable;
  submission_attempts: SubmissionAttemptsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
}

/** The database, or a transaction open on it (a Transaction is a Kysely): what every query runs on. */
export type Db = Kysely<Tables>;
