// The schema's migrations, run by Kysely's Migrator in the order of their
// names. A migration once released never changes; a change is a new one, named
// with the next number. The first eight are the versions the hub's own
// migrator applied before (their SQL verbatim, one statement per string, in SQL
// SQLite and PostgreSQL both accept); `legacyVersion` names which old version
// each one is, so that a database migrated the old way is adopted (migrate.ts).

import { sql, type Kysely, type Migration } from 'kysely';

/** A migration and, for those the old migrator knew, its version number there. */
export interface HubMigration extends Migration {
  name: string;
  description: string;
  legacyVersion?: number;
}

/** A migration of statements run in order (inside the Migrator's transaction). */
function statements(name: string, legacyVersion: number, description: string, sqlStatements: string[]): HubMigration {
  return {
    name,
    legacyVersion,
    description,
    // Migrations are written against no particular schema type: they must keep working as the tables change.
    async up(db: Kysely<unknown>): Promise<void> {
      for (const statement of sqlStatements) await sql.raw(statement).execute(db);
    },
  };
}

/** Every migration, oldest first. */
export const migrations: HubMigration[] = [
  statements('0001_people_courses_assignments_submissions_jobs_tokens_audit', 1, 'people, courses, assignments, submissions, grading jobs, tokens, audit log', [
    `CREATE TABLE people (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT,
  admin INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
)`,
    `CREATE TABLE courses (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_at TEXT NOT NULL
)`,
    `CREATE TABLE enrolments (
  course_id TEXT NOT NULL REFERENCES courses(id),
  person_id TEXT NOT NULL REFERENCES people(id),
  role TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (course_id, person_id)
)`,
    `CREATE TABLE assignments (
  course_id TEXT NOT NULL REFERENCES courses(id),
  id TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  opens_at TEXT,
  due_at TEXT,
  penalty_per_day DOUBLE PRECISION NOT NULL DEFAULT 0,
  cutoff_at TEXT,
  spec_json TEXT NOT NULL,
  public_spec_json TEXT NOT NULL,
  starter_manifest TEXT NOT NULL,
  public_files_manifest TEXT NOT NULL,
  max_score DOUBLE PRECISION NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (course_id, id)
)`,
    `CREATE TABLE extensions (
  course_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  student_id TEXT NOT NULL,
  due_at TEXT NOT NULL,
  granted_by TEXT NOT NULL,
  comment TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (course_id, assignment_id, student_id)
)`,
    `CREATE TABLE submissions (
  id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  student_id TEXT NOT NULL,
  snapshot_hash TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  source TEXT NOT NULL,
  late INTEGER NOT NULL,
  penalty_percent DOUBLE PRECISION NOT NULL,
  file_count INTEGER NOT NULL,
  total_bytes INTEGER NOT NULL,
  status TEXT NOT NULL,
  raw_score DOUBLE PRECISION,
  max_score DOUBLE PRECISION,
  result_json TEXT,
  graded_at TEXT,
  override_score DOUBLE PRECISION,
  override_comment TEXT,
  override_author TEXT,
  override_at TEXT
)`,
    'CREATE INDEX submissions_by_student ON submissions (course_id, assignment_id, student_id, submitted_at)',
    `CREATE TABLE deadline_collections (
  course_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  student_id TEXT NOT NULL,
  due_at TEXT NOT NULL,
  processed_at TEXT NOT NULL,
  submission_id TEXT,
  note TEXT,
  PRIMARY KEY (course_id, assignment_id, student_id)
)`,
    `CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  submission_id TEXT NOT NULL REFERENCES submissions(id),
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_id TEXT,
  worker_id TEXT,
  lease_expires_ms DOUBLE PRECISION,
  created_at TEXT NOT NULL,
  finished_at TEXT
)`,
    'CREATE INDEX jobs_by_state ON jobs (state, created_at)',
    `CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  person_id TEXT,
  scopes TEXT NOT NULL,
  label TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT
)`,
    `CREATE TABLE audit (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  course_id TEXT,
  target TEXT,
  detail TEXT
)`,
    'CREATE INDEX audit_by_course ON audit (course_id, at)',
  ]),
  statements('0002_assignment_hidden_names_and_bonus', 2, 'assignments: whether students see hidden test names, and the bonus points an override may give', [
    'ALTER TABLE assignments ADD COLUMN show_hidden_names INTEGER NOT NULL DEFAULT 0',
    'ALTER TABLE assignments ADD COLUMN bonus_points DOUBLE PRECISION NOT NULL DEFAULT 0',
  ]),
  statements('0003_grade_records', 3, 'grade records: what produced each grade (worker, sandbox, toolchains, spec, snapshot), kept for every grading', [
    'ALTER TABLE jobs ADD COLUMN spec_hash TEXT',
    `CREATE TABLE grade_records (
  id TEXT PRIMARY KEY,
  submission_id TEXT NOT NULL REFERENCES submissions(id),
  job_id TEXT NOT NULL,
  worker_id TEXT NOT NULL,
  official INTEGER NOT NULL,
  status TEXT NOT NULL,
  sandbox TEXT NOT NULL,
  sandbox_version TEXT NOT NULL,
  snapshot_hash TEXT NOT NULL,
  spec_hash TEXT NOT NULL,
  source_hash TEXT NOT NULL,
  toolchain_hash TEXT NOT NULL,
  score DOUBLE PRECISION,
  max_score DOUBLE PRECISION,
  result_json TEXT NOT NULL,
  worker_json TEXT NOT NULL,
  recorded_at TEXT NOT NULL
)`,
    'CREATE INDEX grade_records_by_submission ON grade_records (submission_id, recorded_at)',
  ]),
  statements('0004_course_official_sandboxes', 4, "courses: the course's grading policy (sandboxes whose grades are official), narrowing the deployment's", [
    'ALTER TABLE courses ADD COLUMN official_sandboxes TEXT',
  ]),
  statements('0005_versions', 5, "versions: every recorded state of a student's assignment folder (a manifest in the blob store), by the hub's clock", [
    `CREATE TABLE versions (
  id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL,
  student_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  recorded_at TEXT NOT NULL,
  manifest_hash TEXT NOT NULL,
  file_count INTEGER NOT NULL,
  total_bytes INTEGER NOT NULL
)`,
    'CREATE UNIQUE INDEX versions_by_folder ON versions (course_id, assignment_id, student_id, seq)',
    'CREATE INDEX versions_by_time ON versions (course_id, assignment_id, student_id, recorded_at)',
    'CREATE INDEX versions_by_course ON versions (course_id, recorded_at)',
  ]),
  statements('0006_oidc_identities_and_sign_ins', 6, 'OpenID Connect: identities (issuer + subject of a person) and the sign-ins under way (state, nonce, PKCE verifier)', [
    `CREATE TABLE identities (
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  person_id TEXT NOT NULL REFERENCES people(id),
  created_at TEXT NOT NULL,
  last_sign_in_at TEXT,
  PRIMARY KEY (issuer, subject)
)`,
    'CREATE INDEX identities_by_person ON identities (person_id)',
    `CREATE TABLE sign_ins (
  state TEXT PRIMARY KEY,
  browser_hash TEXT NOT NULL,
  nonce TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
)`,
  ]),
  statements('0007_course_idle_stop_seconds', 7, 'courses: how long a workspace of the course may be idle before it is stopped (seconds; null: the deployment default)', [
    'ALTER TABLE courses ADD COLUMN idle_stop_seconds INTEGER',
  ]),
  statements('0008_oidc_local_client_handoffs', 8, "OpenID Connect for local clients (VS Code): a sign-in's loopback redirect and PKCE challenge, and the one-time codes it hands back", [
    'ALTER TABLE sign_ins ADD COLUMN client_redirect TEXT',
    'ALTER TABLE sign_ins ADD COLUMN client_challenge TEXT',
    'ALTER TABLE sign_ins ADD COLUMN client_state TEXT',
    `CREATE TABLE sign_in_handoffs (
  code_hash TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people(id),
  client_challenge TEXT NOT NULL,
  detail TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
)`,
  ]),
  statements('0009_oidc_session_refreshes', 9, "OpenID Connect refresh: a session's one-time refresh token (its hash), the session it renews, and the provider's refresh token that vouches for it", [
    `CREATE TABLE session_refreshes (
  refresh_hash TEXT PRIMARY KEY,
  token_id TEXT NOT NULL,
  person_id TEXT NOT NULL REFERENCES people(id),
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  provider_refresh TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
)`,
    'CREATE INDEX session_refreshes_by_token ON session_refreshes (token_id)',
    'ALTER TABLE sign_in_handoffs ADD COLUMN provider_refresh TEXT',
  ]),
  statements('0010_enrolment_withdrawal_and_section', 10, 'enrolments: withdrawal (the enrolment and its work kept, further work refused) and the section a person belongs to', [
    'ALTER TABLE enrolments ADD COLUMN withdrawn_at TEXT',
    'ALTER TABLE enrolments ADD COLUMN section_id TEXT',
  ]),
  statements('0011_prewarm_sessions', 11, "pre-warmed lab sessions: a course's session start, how long before it the class's workspaces start, and what became of it", [
    `CREATE TABLE prewarm_sessions (
  id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL REFERENCES courses(id),
  starts_at TEXT NOT NULL,
  lead_seconds INTEGER NOT NULL,
  warm_at TEXT NOT NULL,
  label TEXT,
  state TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  warmed_at TEXT,
  started INTEGER,
  failed INTEGER
)`,
    'CREATE INDEX prewarm_sessions_by_warm_at ON prewarm_sessions (state, warm_at)',
    'CREATE INDEX prewarm_sessions_by_course ON prewarm_sessions (course_id, starts_at)',
  ]),
  statements('0012_invites', 12, 'invites: codes (their hashes) that enrol whoever joins with one as a student, until they expire, are revoked or reach their use limit', [
    `CREATE TABLE invites (
  id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL REFERENCES courses(id),
  code_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  section_id TEXT,
  expires_at TEXT NOT NULL,
  max_uses INTEGER,
  uses INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
)`,
    'CREATE INDEX invites_by_course ON invites (course_id, created_at)',
  ]),
  statements('0013_feedback_comments', 13, 'feedback: comments staff write on lines of a submitted file, in threads named by their first comment', [
    `CREATE TABLE feedback_comments (
  id TEXT PRIMARY KEY,
  thread_id TEXT NOT NULL,
  submission_id TEXT NOT NULL REFERENCES submissions(id),
  course_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  student_id TEXT NOT NULL,
  path TEXT NOT NULL,
  line INTEGER NOT NULL,
  end_line INTEGER NOT NULL,
  body TEXT NOT NULL,
  author_id TEXT NOT NULL REFERENCES people(id),
  at TEXT NOT NULL
)`,
    'CREATE INDEX feedback_by_work ON feedback_comments (course_id, assignment_id, student_id, at)',
    'CREATE INDEX feedback_by_thread ON feedback_comments (thread_id)',
  ]),
  statements('0014_regrade_requests', 14, 'regrade requests: a student asks staff to look again at a submission; at most one open per submission; answering closes it', [
    `CREATE TABLE regrade_requests (
  id TEXT PRIMARY KEY,
  submission_id TEXT NOT NULL REFERENCES submissions(id),
  course_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  student_id TEXT NOT NULL,
  test_name TEXT,
  path TEXT,
  line INTEGER,
  message TEXT NOT NULL,
  at TEXT NOT NULL,
  state TEXT NOT NULL,
  answer_message TEXT,
  answer_outcome TEXT,
  answer_score REAL,
  answered_by TEXT,
  answered_at TEXT
)`,
    "CREATE UNIQUE INDEX regrade_requests_one_open ON regrade_requests (submission_id) WHERE state = 'open'",
    'CREATE INDEX regrade_requests_by_course ON regrade_requests (course_id, state, at)',
    'CREATE INDEX regrade_requests_by_student ON regrade_requests (course_id, student_id, at)',
  ]),
  statements('0015_help_requests', 15, 'live help: hands raised by students (with the failing test attached), taken, followed and ended by staff; one open hand per student per course', [
    `CREATE TABLE help_requests (
  id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL REFERENCES courses(id),
  assignment_id TEXT NOT NULL,
  student_id TEXT NOT NULL REFERENCES people(id),
  open_key TEXT UNIQUE,
  message TEXT NOT NULL,
  test_name TEXT,
  test_message TEXT,
  state TEXT NOT NULL,
  raised_at TEXT NOT NULL,
  helper_id TEXT,
  taken_at TEXT,
  terminal_since TEXT,
  ended_at TEXT,
  ended_by TEXT
)`,
    'CREATE INDEX help_requests_by_course ON help_requests (course_id, state, raised_at)',
  ]),
  statements('0016_refresh_families', 16, "refresh-token rotation: a spent refresh token is kept (used_at) with its family (the sign-in every renewal descends from), so its reuse revokes the family's sessions", [
    'ALTER TABLE session_refreshes ADD COLUMN family_id TEXT',
    'ALTER TABLE session_refreshes ADD COLUMN used_at TEXT',
    'UPDATE session_refreshes SET family_id = refresh_hash WHERE family_id IS NULL',
    'CREATE INDEX session_refreshes_by_family ON session_refreshes (family_id)',
  ]),
  statements('0017_rubrics', 17, "rubrics: an assignment's items (points, description), the items applied to each submission, and their sum on the submission", [
    `CREATE TABLE rubric_items (
  course_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  id TEXT NOT NULL,
  points DOUBLE PRECISION NOT NULL,
  description TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (course_id, assignment_id, id)
)`,
    `CREATE TABLE rubric_applications (
  submission_id TEXT NOT NULL REFERENCES submissions(id),
  item_id TEXT NOT NULL,
  course_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  applied_by TEXT NOT NULL REFERENCES people(id),
  applied_at TEXT NOT NULL,
  PRIMARY KEY (submission_id, item_id)
)`,
    'CREATE INDEX rubric_applications_by_assignment ON rubric_applications (course_id, assignment_id, item_id)',
    'ALTER TABLE submissions ADD COLUMN rubric_points DOUBLE PRECISION',
  ]),
  statements('0018_similarity_checks', 18, "similarity checks: a professor's Dolos comparison of an assignment's final submissions (and earlier offerings'), its progress, and the pairs it found with their matching fragments", [
    `CREATE TABLE similarity_runs (
  id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL REFERENCES courses(id),
  assignment_id TEXT NOT NULL,
  earlier_course_ids TEXT NOT NULL,
  state TEXT NOT NULL,
  phase TEXT,
  done INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  language TEXT,
  submission_count INTEGER NOT NULL DEFAULT 0,
  file_count INTEGER NOT NULL DEFAULT 0,
  pair_count INTEGER NOT NULL DEFAULT 0,
  skipped TEXT NOT NULL DEFAULT '[]',
  skipped_count INTEGER NOT NULL DEFAULT 0,
  message TEXT,
  requested_by TEXT NOT NULL REFERENCES people(id),
  requested_at TEXT NOT NULL,
  finished_at TEXT
)`,
    'CREATE INDEX similarity_runs_by_assignment ON similarity_runs (course_id, assignment_id, requested_at)',
    `CREATE TABLE similarity_pairs (
  run_id TEXT NOT NULL REFERENCES similarity_runs(id),
  id TEXT NOT NULL,
  rank INTEGER NOT NULL,
  left_side TEXT NOT NULL,
  right_side TEXT NOT NULL,
  left_sha256 TEXT NOT NULL,
  right_sha256 TEXT NOT NULL,
  similarity REAL NOT NULL,
  longest INTEGER NOT NULL,
  overlap INTEGER NOT NULL,
  fragments TEXT NOT NULL,
  PRIMARY KEY (run_id, id)
)`,
    'CREATE INDEX similarity_pairs_by_rank ON similarity_pairs (run_id, rank)',
  ]),
  statements('0019_late_days', 19, "late-day tokens: a course's grant per student, an assignment's cap, the days a submission spent, and staff's grants to one student", [
    'ALTER TABLE courses ADD COLUMN late_days INTEGER',
    'ALTER TABLE assignments ADD COLUMN max_late_days INTEGER',
    'ALTER TABLE submissions ADD COLUMN late_days_used INTEGER NOT NULL DEFAULT 0',
    `CREATE TABLE late_day_grants (
  id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL REFERENCES courses(id),
  student_id TEXT NOT NULL REFERENCES people(id),
  days INTEGER NOT NULL,
  comment TEXT,
  granted_by TEXT NOT NULL,
  created_at TEXT NOT NULL
)`,
    'CREATE INDEX late_day_grants_by_student ON late_day_grants (course_id, student_id)',
  ]),
  statements('0020_submission_attempts', 20, "submission limits: an assignment's attempt limit, minimum interval and whether hidden test names are revealed after the deadline; each student's count of official submissions, extra attempts granted and the time of the last", [
    'ALTER TABLE assignments ADD COLUMN max_attempts INTEGER',
    'ALTER TABLE assignments ADD COLUMN min_interval_seconds INTEGER',
    'ALTER TABLE assignments ADD COLUMN reveal_hidden_after_deadline INTEGER NOT NULL DEFAULT 0',
    `CREATE TABLE submission_attempts (
  course_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  student_id TEXT NOT NULL REFERENCES people(id),
  used INTEGER NOT NULL,
  extra INTEGER NOT NULL DEFAULT 0,
  last_at TEXT,
  PRIMARY KEY (course_id, assignment_id, student_id)
)`,
  ]),
  statements('0021_groups', 21, "groups: per group assignment, staff's groups of students (one group per student per assignment) sharing one workspace and one grade; each version names who made it; attempts counted per work owner", [
    'ALTER TABLE assignments ADD COLUMN group_max_size INTEGER',
    `CREATE TABLE groups (
  course_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  id TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (course_id, assignment_id, id)
)`,
    `CREATE TABLE group_members (
  course_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  group_id TEXT NOT NULL,
  person_id TEXT NOT NULL REFERENCES people(id),
  PRIMARY KEY (course_id, assignment_id, person_id)
)`,
    'CREATE INDEX group_members_by_group ON group_members (course_id, assignment_id, group_id)',
    'ALTER TABLE versions ADD COLUMN authors TEXT',
    // A group's attempts are counted under its work owner id, which names no person: the table is rebuilt without that reference.
    `CREATE TABLE submission_attempts_by_owner (
  course_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  student_id TEXT NOT NULL,
  used INTEGER NOT NULL,
  extra INTEGER NOT NULL DEFAULT 0,
  last_at TEXT,
  PRIMARY KEY (course_id, assignment_id, student_id)
)`,
    'INSERT INTO submission_attempts_by_owner (course_id, assignment_id, student_id, used, extra, last_at) SELECT course_id, assignment_id, student_id, used, extra, last_at FROM submission_attempts',
    'DROP TABLE submission_attempts',
    'ALTER TABLE submission_attempts_by_owner RENAME TO submission_attempts',
  ]),
];
