// Versioned schema migrations, in SQL both SQLite and PostgreSQL accept. A
// migration once released never changes; a change is a new version.

import type { SqlDriver } from './sql-driver';

/** One schema version. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    description: 'people, courses, assignments, submissions, grading jobs, tokens, audit log',
    sql: `
CREATE TABLE people (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT,
  admin INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE TABLE courses (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE enrolments (
  course_id TEXT NOT NULL REFERENCES courses(id),
  person_id TEXT NOT NULL REFERENCES people(id),
  role TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (course_id, person_id)
);
CREATE TABLE assignments (
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
);
CREATE TABLE extensions (
  course_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  student_id TEXT NOT NULL,
  due_at TEXT NOT NULL,
  granted_by TEXT NOT NULL,
  comment TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (course_id, assignment_id, student_id)
);
CREATE TABLE submissions (
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
);
CREATE INDEX submissions_by_student ON submissions (course_id, assignment_id, student_id, submitted_at);
CREATE TABLE deadline_collections (
  course_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  student_id TEXT NOT NULL,
  due_at TEXT NOT NULL,
  processed_at TEXT NOT NULL,
  submission_id TEXT,
  note TEXT,
  PRIMARY KEY (course_id, assignment_id, student_id)
);
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  submission_id TEXT NOT NULL REFERENCES submissions(id),
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_id TEXT,
  worker_id TEXT,
  lease_expires_ms DOUBLE PRECISION,
  created_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX jobs_by_state ON jobs (state, created_at);
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  person_id TEXT,
  scopes TEXT NOT NULL,
  label TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT
);
CREATE TABLE audit (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  course_id TEXT,
  target TEXT,
  detail TEXT
);
CREATE INDEX audit_by_course ON audit (course_id, at);
`,
  },
  {
    version: 2,
    description: 'assignments: whether students see hidden test names, and the bonus points an override may give',
    sql: `
ALTER TABLE assignments ADD COLUMN show_hidden_names INTEGER NOT NULL DEFAULT 0;
ALTER TABLE assignments ADD COLUMN bonus_points DOUBLE PRECISION NOT NULL DEFAULT 0;
`,
  },
  {
    version: 3,
    description: 'grade records: what produced each grade (worker, sandbox, toolchains, spec, snapshot), kept for every grading',
    sql: `
ALTER TABLE jobs ADD COLUMN spec_hash TEXT;
CREATE TABLE grade_records (
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
);
CREATE INDEX grade_records_by_submission ON grade_records (submission_id, recorded_at);
`,
  },
  {
    version: 4,
    description: "courses: the course's grading policy (sandboxes whose grades are official), narrowing the deployment's",
    sql: `
ALTER TABLE courses ADD COLUMN official_sandboxes TEXT;
`,
  },
  {
    version: 5,
    description: "versions: every recorded state of a student's assignment folder (a manifest in the blob store), by the hub's clock",
    sql: `
CREATE TABLE versions (
  id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL,
  student_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  recorded_at TEXT NOT NULL,
  manifest_hash TEXT NOT NULL,
  file_count INTEGER NOT NULL,
  total_bytes INTEGER NOT NULL
);
CREATE UNIQUE INDEX versions_by_folder ON versions (course_id, assignment_id, student_id, seq);
CREATE INDEX versions_by_time ON versions (course_id, assignment_id, student_id, recorded_at);
CREATE INDEX versions_by_course ON versions (course_id, recorded_at);
`,
  },
  {
    version: 6,
    description: 'OpenID Connect: identities (issuer + subject of a person) and the sign-ins under way (state, nonce, PKCE verifier)',
    sql: `
CREATE TABLE identities (
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  person_id TEXT NOT NULL REFERENCES people(id),
  created_at TEXT NOT NULL,
  last_sign_in_at TEXT,
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX identities_by_person ON identities (person_id);
CREATE TABLE sign_ins (
  state TEXT PRIMARY KEY,
  browser_hash TEXT NOT NULL,
  nonce TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
`,
  },
  {
    version: 7,
    description: 'courses: how long a workspace of the course may be idle before it is stopped (seconds; null: the deployment default)',
    sql: `
ALTER TABLE courses ADD COLUMN idle_stop_seconds INTEGER;
`,
  },
  {
    version: 8,
    description: "OpenID Connect for local clients (VS Code): a sign-in's loopback redirect and PKCE challenge, and the one-time codes it hands back",
    sql: `
ALTER TABLE sign_ins ADD COLUMN client_redirect TEXT;
ALTER TABLE sign_ins ADD COLUMN client_challenge TEXT;
ALTER TABLE sign_ins ADD COLUMN client_state TEXT;
CREATE TABLE sign_in_handoffs (
  code_hash TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people(id),
  client_challenge TEXT NOT NULL,
  detail TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
`,
  },
  {
    version: 9,
    description: "OpenID Connect refresh: a session's one-time refresh token (its hash), the session it renews, and the provider's refresh token that vouches for it",
    sql: `
CREATE TABLE session_refreshes (
  refresh_hash TEXT PRIMARY KEY,
  token_id TEXT NOT NULL,
  person_id TEXT NOT NULL REFERENCES people(id),
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  provider_refresh TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX session_refreshes_by_token ON session_refreshes (token_id);
ALTER TABLE sign_in_handoffs ADD COLUMN provider_refresh TEXT;
`,
  },
  {
    version: 10,
    description: 'enrolments: withdrawal (the enrolment and its work kept, further work refused) and the section a person belongs to',
    sql: `
ALTER TABLE enrolments ADD COLUMN withdrawn_at TEXT;
ALTER TABLE enrolments ADD COLUMN section_id TEXT;
`,
  },
  {
    version: 11,
    description: "pre-warmed lab sessions: a course's session start, how long before it the class's workspaces start, and what became of it",
    sql: `
CREATE TABLE prewarm_sessions (
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
);
CREATE INDEX prewarm_sessions_by_warm_at ON prewarm_sessions (state, warm_at);
CREATE INDEX prewarm_sessions_by_course ON prewarm_sessions (course_id, starts_at);
`,
  },
  {
    version: 12,
    description: 'invites: codes (their hashes) that enrol whoever joins with one as a student, until they expire, are revoked or reach their use limit',
    sql: `
CREATE TABLE invites (
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
);
CREATE INDEX invites_by_course ON invites (course_id, created_at);
`,
  },
  {
    version: 13,
    description: 'feedback: comments staff write on lines of a submitted file, in threads named by their first comment',
    sql: `
CREATE TABLE feedback_comments (
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
);
CREATE INDEX feedback_by_work ON feedback_comments (course_id, assignment_id, student_id, at);
CREATE INDEX feedback_by_thread ON feedback_comments (thread_id);
`,
  },
];

/** Bring the database to the newest version; returns the versions applied. */
export async function migrate(db: SqlDriver, now: () => Date = () => new Date()): Promise<number[]> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((await db.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
  const done: number[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    await db.transaction(async (tx) => {
      for (const statement of m.sql.split(';').map((s) => s.trim()).filter(Boolean)) await tx.run(statement);
      await tx.run('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)', [
        m.version,
        m.description,
        now().toISOString(),
      ]);
    });
    done.push(m.version);
  }
  return done;
}
