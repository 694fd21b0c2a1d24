// The hub's store: its database (SQLite by default, PostgreSQL when
// DATABASE_URL is set), migrated by Kysely's Migrator, and one repository per
// aggregate. Writes of several aggregates that must happen together run in
// `transaction`, whose repositories all use the one transaction.

import { sql } from 'kysely';
import { AssignmentRepository } from './assignment-repository';
import { AttemptRepository } from './attempt-repository';
import { AuditRepository } from './audit-repository';
import { CourseRepository } from './course-repository';
import { CourseSettingsRepository } from './course-settings-repository';
import type { HubDatabase } from './database';
import { DeadlineRepository } from './deadline-repository';
import { ExtensionRepository } from './extension-repository';
import { FeedbackRepository } from './feedback-repository';
import { HelpRequestRepository } from './help-request-repository';
import { GradeRecordRepository } from './grade-record-repository';
import { GradingJobRepository } from './grading-job-repository';
import { GroupRepository } from './group-repository';
import { InviteRepository } from './invite-repository';
import { LateDayRepository } from './late-day-repository';
import { migrate } from './migrate';
import { PeopleRepository } from './people-repository';
import { PrewarmRepository } from './prewarm-repository';
import { RegradeRequestRepository } from './regrade-request-repository';
import { RosterRepository } from './roster-repository';
import { RubricRepository } from './rubric-repository';
import type { RepositoryContext } from './repository';
import { SignInRepository } from './sign-in-repository';
import { SimilarityRepository } from './similarity-repository';
import { SubmissionRepository } from './submission-repository';
import { TokenRepository } from './token-repository';
import { VersionRepository } from './version-repository';

/** Every repository, on the database or on one transaction. */
export class Repositories {
  readonly people: PeopleRepository;
  readonly courses: CourseRepository;
  readonly courseSettings: CourseSettingsRepository;
  readonly rosters: RosterRepository;
  readonly invites: InviteRepository;
  readonly assignments: AssignmentRepository;
  readonly extensions: ExtensionRepository;
  readonly submissions: SubmissionRepository;
  readonly jobs: GradingJobRepository;
  readonly gradeRecords: GradeRecordRepository;
  readonly feedback: FeedbackRepository;
  readonly regradeRequests: RegradeRequestRepository;
  readonly help: HelpRequestRepository;
  readonly rubrics: RubricRepository;
  readonly lateDays: LateDayRepository;
  readonly deadlines: DeadlineRepository;
  readonly tokens: TokenRepository;
  readonly audit: AuditRepository;
  readonly versions: VersionRepository;
  readonly prewarm: PrewarmRepository;
  readonly signIns: SignInRepository;
  readonly similarity: SimilarityRepository;
  readonly attempts: AttemptRepository;
  readonly groups: GroupRepository;

  constructor(protected readonly ctx: RepositoryContext) {
    this.people = new PeopleRepository(ctx);
    this.courses = new CourseRepository(ctx);
    this.courseSettings = new CourseSettingsRepository(ctx);
    this.rosters = new RosterRepository(ctx);
    this.invites = new InviteRepository(ctx);
    this.assignments = new AssignmentRepository(ctx);
    this.extensions = new ExtensionRepository(ctx);
    this.submissions = new SubmissionRepository(ctx);
    this.jobs = new GradingJobRepository(ctx);
    this.gradeRecords = new GradeRecordRepository(ctx);
    this.feedback = new FeedbackRepository(ctx);
    this.regradeRequests = new RegradeRequestRepository(ctx);
    this.help = new HelpRequestRepository(ctx);
    this.rubrics = new RubricRepository(ctx);
    this.lateDays = new LateDayRepository(ctx);
    this.deadlines = new DeadlineRepository(ctx);
    this.tokens = new TokenRepository(ctx);
    this.audit = new AuditRepository(ctx);
    this.versions = new VersionRepository(ctx);
    this.prewarm = new PrewarmRepository(ctx);
    this.signIns = new SignInRepository(ctx);
    this.similarity = new SimilarityRepository(ctx);
    this.attempts = new AttemptRepository(ctx);
    this.groups = new GroupRepository(ctx);
  }
}

/** The hub's data: open it with `openStore`, or on a database of one's own (tests). */
export class Store extends Repositories {
  constructor(readonly database: HubDatabase, now: () => Date = () => new Date()) {
    super({ db: database.db, dialect: database.dialect, now });
  }

  /** Apply pending migrations; resolves to the names of those applied. */
  migrate(): Promise<string[]> {
    return migrate(this.database.db, this.ctx.now);
  }

  /** Run `fn` in one transaction: it commits when `fn` resolves and rolls back entirely when it throws. */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
    return this.database.db.transaction().execute((tx) => fn(new Repositories({ ...this.ctx, db: tx })));
  }

  /** Whether the database answers. */
  async ready(): Promise<boolean> {
    return (await sql<{ one: number }>`SELECT 1 AS one`.execute(this.database.db)).rows.length === 1;
  }

  close(): Promise<void> {
    return this.database.db.destroy();
  }
}
