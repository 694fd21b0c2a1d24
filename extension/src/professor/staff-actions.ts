// What professors and assistants do to a class, as plain calls: regrade,
// override a score, rerun a graded test like the grader, extend a deadline,
// read the gradebook, export grades, create or update an assignment, start and stop workspaces,
// and read submission and starter files.
// Each call asks the hub (which checks the person's rights and writes the audit
// log) and then brings the cluster cache up to date with the hub's answer; a
// change to a course or its assignments is also announced, for the Courses
// view, which reads its own copy of them.

import {
  ExportGradesRequest,
  GetGradebookRequest,
  ExportRosterRequest,
  ListAuditRequest,
  ListCoursePeopleRequest,
  CreateInviteRequest,
  CreateCourseRequest,
  GetCourseSettingsRequest,
  UpdateCourseRequest,
  SetAssignmentDatesRequest,
  type CourseSettings,
  type ParamsOf,
  type ResultOf,
  ListInvitesRequest,
  RevokeInviteRequest,
  type InviteSummary,
  ImportRosterRequest,
  WithdrawStudentRequest,
  GetResultRequest,
  ExtendDeadlineRequest,
  GrantAttemptsRequest,
  FetchStarterRequest,
  OpenWorkspaceTerminalRequest,
  OverrideScoreRequest,
  ApplyRubricRequest,
  GetSubmissionRubricRequest,
  GetRubricRequest,
  SetRubricRequest,
  type RubricItem,
  type SubmissionRubric,
  ReadSubmissionFileRequest,
  RegradeRequest,
  StartWorkspaceRequest,
  StopWorkspaceRequest,
  UpsertAssignmentRequest,
  type FolderFile,
  type GradingSpec,
  type SubmissionSummary,
  type WorkspaceInfo,
} from '@classpod/protocol';
import { auditLogDocument } from './audit-log';
import { Emitter, type Disposable, type Event } from '../emitter';
import type { ClasspodDocument } from './classpod-uri';
import type { GradebookAnswer } from './gradebook/gradebook-model';
import type { ClusterCache } from './cluster-cache';
import type { HubRequester } from './hub-requester';
import { SubmissionFileCache } from './submission-file-cache';
import type { UpsertOutcome } from './assignment-folder';
import type { RosterImportOutcome } from './roster-preview';
import type { OpenedEndpoint } from '../connection/open-endpoint';
import { rerunLikeGrader, type RerunOutcome } from '../testing/grader-rerun';

/** What to regrade: one submission, one student's latest work on an assignment, or a whole assignment. */
export type RegradeTarget =
  | { kind: 'submission'; courseId: string; submissionId: string }
  | { kind: 'student'; courseId: string; assignmentId: string; studentId: string }
  | { kind: 'assignment'; courseId: string; assignmentId: string };

/** How many of the newest audit entries the log document shows. */
export const AUDIT_LOG_ENTRIES = 500;

/** What a staff action changed that the Courses view shows: a course itself (new, renamed) or its assignments (dates, a new or updated one). */
export interface CourseChange {
  courseId: string;
  what: 'course' | 'assignments';
}

export class StaffActions implements Disposable {
  readonly files: SubmissionFileCache;
  private readonly starters = new Map<string, Promise<Map<string, Uint8Array>>>();
  private readonly previews = new Map<string, string>();
  private readonly courseChanges = new Emitter<CourseChange>();
  /** Fires after the hub accepted a change to a course or its assignments. */
  readonly onDidChangeCourse: Event<CourseChange> = this.courseChanges.event;

  constructor(
    private readonly request: HubRequester,
    private readonly cache: ClusterCache,
  ) {
    this.files = new SubmissionFileCache(async (submissionId, path) => {
      const r = await this.request(ReadSubmissionFileRequest.type, { submissionId, path });
      return Buffer.from(r.contentBase64, 'base64');
    });
  }

  /** Queue grading again; the rows show "queued" until the hub reports the new score. */
  async regrade(target: RegradeTarget): Promise<string[]> {
    const params =
      target.kind === 'submission'
        ? { courseId: target.courseId, submissionId: target.submissionId }
        : target.kind === 'student'
          ? { courseId: target.courseId, assignmentId: target.assignmentId, studentId: target.studentId }
          : { courseId: target.courseId, assignmentId: target.assignmentId };
    const { queued } = await this.request(RegradeRequest.type, params);
    this.cache.markQueued(queued);
    return queued;
  }

  /** Set a submission's score by hand (undefined removes the override), with a comment. */
  async overrideScore(submissionId: string, score: number | undefined, comment: string): Promise<SubmissionSummary> {
    const { submission } = await this.request(OverrideScoreRequest.type, { submissionId, comment, ...(score !== undefined ? { score } : {}) });
    this.cache.replaceSubmission(submission);
    return submission;
  }

  /** A submission's rubric: its assignment's items and those applied. */
  async submissionRubric(submissionId: string): Promise<SubmissionRubric> {
    return (await this.request(GetSubmissionRubricRequest.type, { submissionId })).rubric;
  }

  /** An assignment's rubric, and how many submissions each item is applied to. */
  async rubric(courseId: string, assignmentId: string): Promise<{ items: RubricItem[]; appliedTo: Record<string, number> }> {
    return this.request(GetRubricRequest.type, { courseId, assignmentId });
  }

  /** Replace an assignment's rubric (professors); the rescored submissions' new scores arrive as events. */
  async setRubric(courseId: string, assignmentId: string, items: RubricItem[]): Promise<{ items: RubricItem[]; rescored: number }> {
    return this.request(SetRubricRequest.type, { courseId, assignmentId, items });
  }

  /** Apply and unapply rubric items of a submission; the cache gets its new score. */
  async applyRubric(submissionId: string, apply: string[], unapply: string[]): Promise<{ rubric: SubmissionRubric; submission: SubmissionSummary }> {
    const answer = await this.request(ApplyRubricRequest.type, { submissionId, apply, unapply });
    this.cache.replaceSubmission(answer.submission);
    return answer;
  }

  /**
   * Rerun a graded public test in the student's workspace (started if need be;
   * entering it is audit-logged by the hub) and compare it with the grader's verdict.
   */
  async rerunLikeGrader(s: SubmissionSummary, test: { group: string; name: string }, open: (connectPath: string) => Promise<OpenedEndpoint>): Promise<RerunOutcome> {
    const who = this.cache.studentName(s.courseId, s.studentId);
    return rerunLikeGrader(
      { submissionId: s.id, ...test },
      {
        gradingResult: async (submissionId) => (await this.request(GetResultRequest.type, { submissionId })).result,
        workspace: async () => {
          const w = await this.startWorkspace(s.courseId, s.studentId);
          const { endpoint } = await open(w.connectPath);
          return { endpoint, release: () => endpoint.close(1000, 'rerun done') };
        },
        path: s.assignmentId,
        where: `${who}'s workspace`,
        spec: async () => {
          const file = (await this.starterFiles(s.courseId, s.assignmentId)).get('.classpod/tests/spec.json');
          return file ? (JSON.parse(Buffer.from(file).toString('utf8')) as GradingSpec) : undefined;
        },
      },
    );
  }

  /** Give one student a later due time. */
  async extendDeadline(courseId: string, assignmentId: string, studentId: string, dueAt: Date, comment?: string): Promise<string | undefined> {
    const { assignment } = await this.request(ExtendDeadlineRequest.type, {
      courseId,
      assignmentId,
      studentId,
      dueAt: dueAt.toISOString(),
      ...(comment ? { comment } : {}),
    });
    return assignment.dueAt;
  }

  /** Give one student `extra` more official submissions of an assignment; answers how many they have left (undefined: no limit). */
  async grantAttempts(courseId: string, assignmentId: string, studentId: string, extra: number, comment?: string): Promise<number | undefined> {
    const { assignment } = await this.request(GrantAttemptsRequest.type, { courseId, assignmentId, studentId, extra, ...(comment ? { comment } : {}) });
    return assignment.attempts?.remaining;
  }

  /** One assignment's grades as CSV, from the hub (the same layout as the course's). */
  assignmentGrades(courseId: string, assignmentId: string): Promise<{ csv: string; fileName: string }> {
    return this.request(ExportGradesRequest.type, { courseId, assignmentId });
  }

  /** The course's gradebook: every student × assignment in one answer. */
  gradebook(courseId: string): Promise<GradebookAnswer> {
    return this.request(GetGradebookRequest.type, { courseId });
  }

  /** The whole course's grades as CSV, from the hub. */
  courseGrades(courseId: string): Promise<{ csv: string; fileName: string }> {
    return this.request(ExportGradesRequest.type, { courseId });
  }

  /** Preview a roster CSV's changes, or (with the preview's id) apply them. */
  importRoster(courseId: string, csv: string, apply?: { previewId: string }): Promise<RosterImportOutcome> {
    return this.request(ImportRosterRequest.type, { courseId, csv, ...(apply ? { apply: true, previewId: apply.previewId } : {}) });
  }

  /** The course's roster as CSV. */
  exportRoster(courseId: string): Promise<{ csv: string; fileName: string }> {
    return this.request(ExportRosterRequest.type, { courseId });
  }

  /** Make an invite that enrols students until `expiresAt`; the answer holds its code and link (shown once). */
  createInvite(courseId: string, expiresAt: string, maxUses?: number): Promise<{ invite: InviteSummary; code: string; link: string }> {
    return this.request(CreateInviteRequest.type, { courseId, expiresAt, ...(maxUses !== undefined ? { maxUses } : {}) });
  }

  async listInvites(courseId: string): Promise<InviteSummary[]> {
    return (await this.request(ListInvitesRequest.type, { courseId })).invites;
  }

  async revokeInvite(courseId: string, inviteId: string): Promise<InviteSummary> {
    return (await this.request(RevokeInviteRequest.type, { courseId, inviteId })).invite;
  }

  /** Create a course; the caller becomes its professor. */
  async createCourse(courseId: string, title: string): Promise<CourseSettings> {
    const { settings } = await this.request(CreateCourseRequest.type, { courseId, title });
    this.cache.reload();
    this.courseChanges.fire({ courseId: settings.courseId, what: 'course' });
    return settings;
  }

  async courseSettings(courseId: string): Promise<CourseSettings> {
    return (await this.request(GetCourseSettingsRequest.type, { courseId })).settings;
  }

  async updateCourse(change: ParamsOf<typeof UpdateCourseRequest.type>): Promise<CourseSettings> {
    const { settings } = await this.request(UpdateCourseRequest.type, change);
    this.cache.reload();
    this.courseChanges.fire({ courseId: settings.courseId, what: 'course' });
    return settings;
  }

  /** Change an assignment's dates and late policy (left out: kept; null: removed). */
  async setAssignmentDates(change: ParamsOf<typeof SetAssignmentDatesRequest.type>): Promise<ResultOf<typeof SetAssignmentDatesRequest.type>> {
    const dates = await this.request(SetAssignmentDatesRequest.type, change);
    this.cache.reload();
    this.courseChanges.fire({ courseId: change.courseId, what: 'assignments' });
    return dates;
  }

  /** Withdraw a student (their work kept); false when they were already. */
  async withdrawStudent(courseId: string, studentId: string): Promise<boolean> {
    return (await this.request(WithdrawStudentRequest.type, { courseId, studentId })).withdrawn;
  }

  /** Check an assignment folder (dryRun) or store it; the answer says what students receive. */
  async upsertAssignment(courseId: string, assignmentId: string, files: FolderFile[], dryRun: boolean): Promise<UpsertOutcome> {
    const outcome = await this.request(UpsertAssignmentRequest.type, { courseId, assignmentId, files, dryRun });
    if (!dryRun) {
      this.starters.delete(`${courseId}/${assignmentId}`);
      this.cache.replaceAssignment(outcome.assignment);
      this.courseChanges.fire({ courseId, what: 'assignments' });
    }
    return outcome;
  }

  async startWorkspace(courseId: string, studentId: string): Promise<WorkspaceInfo> {
    const { workspace } = await this.request(StartWorkspaceRequest.type, { courseId, studentId });
    this.cache.applyWorkspaceStatus({ workspace });
    return workspace;
  }

  async stopWorkspace(courseId: string, studentId: string): Promise<WorkspaceInfo> {
    const { workspace } = await this.request(StopWorkspaceRequest.type, { courseId, studentId });
    this.cache.applyWorkspaceStatus({ workspace });
    return workspace;
  }

  /** Ask the hub to let staff into a student's workspace (audit-logged); answers the gateway path. */
  async openWorkspaceTerminal(courseId: string, studentId: string): Promise<string> {
    const { workspace, connectPath } = await this.request(OpenWorkspaceTerminalRequest.type, { courseId, studentId });
    this.cache.applyWorkspaceStatus({ workspace });
    return connectPath;
  }

  /** The starter files of an assignment, by path (what a student receives, `.classpod/` included). */
  starterFiles(courseId: string, assignmentId: string): Promise<Map<string, Uint8Array>> {
    const key = `${courseId}/${assignmentId}`;
    let p = this.starters.get(key);
    if (!p) {
      p = this.request(FetchStarterRequest.type, { courseId, assignmentId }).then((r) => new Map(r.files.map((f) => [f.path, Buffer.from(f.contentBase64, 'base64')])));
      p.catch(() => this.starters.delete(key));
      this.starters.set(key, p);
    }
    return p;
  }

  /** Keep the description of a checked upload, to show as a read-only document. */
  setPreview(courseId: string, assignmentId: string, markdown: string): void {
    this.previews.set(`${courseId}/${assignmentId}`, markdown);
  }

  /** The content of a classpod document; rejects with a message naming the missing file. */
  /** A course's audit log as a Markdown document, read from the hub each time it is opened (professors). */
  async auditLog(courseId: string, timeZone?: string): Promise<string> {
    const [{ entries }, { people }] = await Promise.all([
      this.request(ListAuditRequest.type, { courseId, limit: AUDIT_LOG_ENTRIES }),
      this.request(ListCoursePeopleRequest.type, { courseId }),
    ]);
    const names = new Map(people.map((p) => [p.personId, p.name]));
    const title = this.cache.courses().find((c) => c.id === courseId)?.title ?? courseId;
    return auditLogDocument({ id: courseId, title }, entries, (id) => names.get(id), timeZone, AUDIT_LOG_ENTRIES);
  }

  async readDocument(doc: ClasspodDocument): Promise<Uint8Array> {
    if (doc.kind === 'empty') return new Uint8Array();
    if (doc.kind === 'audit') return Buffer.from(await this.auditLog(doc.courseId), 'utf8');
    if (doc.kind === 'preview') {
      const text = this.previews.get(`${doc.courseId}/${doc.assignmentId}`);
      if (text === undefined) throw new Error(`no file ${doc.path}: no upload of ${doc.assignmentId} was checked`);
      return Buffer.from(text, 'utf8');
    }
    if (doc.kind === 'submission') return this.files.get(doc.submissionId, doc.path);
    const content = (await this.starterFiles(doc.courseId, doc.assignmentId)).get(doc.path);
    if (!content) throw new Error(`${doc.path} is not among the starter files of ${doc.assignmentId}`);
    return content;
  }

  dispose(): void {
    this.courseChanges.dispose();
  }
}
