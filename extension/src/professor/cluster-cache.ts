// What the professor side knows of the hub's entities: the cluster and its
// machines, the courses a person teaches, and per course its students,
// workspaces, assignments and submissions, with submissions' results and file
// lists. Each list loads once, when first asked for; the hub's events and the
// answers to staff actions update the entities in place, and every update that
// touches a loaded list is announced as a `CacheChange` (which rows show it is
// the tree's business, not the cache's).

import {
  GetResultRequest,
  ListAssignmentsRequest,
  ListClusterNodesRequest,
  ListCoursePeopleRequest,
  ListCoursesRequest,
  ListSubmissionFilesRequest,
  ListSubmissionsRequest,
  ListWorkspacesRequest,
  type AssignmentSummary,
  type CourseMember,
  type CourseSummary,
  type GradingResult,
  type ParamsOf,
  type ResultOf,
  type ScoreChangedNotification,
  type SnapshotFile,
  type SubmissionAddedNotification,
  type SubmissionSummary,
  type WorkspaceInfo,
  type WorkspaceStatusChangedNotification,
} from '@classpod/protocol';
import { Emitter, type Disposable, type Event } from '../emitter';
import type { HubRequester } from './hub-requester';
import { VersionReader } from '../versions/version-reader';
import { StudentVersions } from './student-versions';
import { RegradeQueue } from './regrade-queue';
import { HelpQueues } from './help-queue';
import { ownSections } from './class-filter';

export type ClusterInfo = ResultOf<typeof ListClusterNodesRequest.type>;
export type MachineInfo = ClusterInfo['nodes'][number];

/** An update to a loaded list, as the cache announces it. */
export type CacheChange =
  /** Everything was forgotten (after a reconnect). */
  | { kind: 'everything' }
  /** A workspace of a course whose workspaces were loaded; `stateChanged` when its lifecycle state differs from before (or it is new). */
  | { kind: 'workspace'; courseId: string; studentId: string; stateChanged: boolean }
  /** A submission of an assignment whose submissions were loaded; `firstOfStudent` when the student had none before. */
  | { kind: 'submission'; courseId: string; assignmentId: string; studentId: string; firstOfStudent: boolean }
  /** An assignment of a course whose assignments were loaded; `added` when it was not there before. */
  | { kind: 'assignment'; courseId: string; assignmentId: string; added: boolean };

/** What is known about one course. */
interface CourseData {
  summary: CourseSummary;
  students?: Map<string, CourseMember>;
  workspaces?: Map<string, WorkspaceInfo>;
  assignments?: Map<string, AssignmentSummary>;
  /** assignmentId → studentId → submissions, newest first. */
  submissions: Map<string, Map<string, SubmissionSummary[]>>;
}

export class ClusterCache implements Disposable {
  private courseList: CourseData[] | undefined;
  private cluster: ClusterInfo | undefined;
  private clusterError: string | undefined;
  private readonly submissionsById = new Map<string, SubmissionSummary>();
  private readonly results = new Map<string, GradingResult>();
  private readonly files = new Map<string, SnapshotFile[]>();
  private readonly loading = new Map<string, Promise<void>>();
  /** Submissions regraded since the view opened: their rows say so. */
  private readonly regradedIds = new Set<string>();
  private readonly changes = new Emitter<CacheChange>();

  /** Fires, synchronously, for every update to a loaded list. */
  readonly onDidChange: Event<CacheChange> = this.changes.event;

  /** Students' recorded versions, read when a Versions row is expanded. */
  readonly versions: StudentVersions;
  /** Each course's help queue, read when its row is expanded and kept by the hub's events. */
  readonly help: HelpQueues;

  /** Each course's open regrade requests, loaded when its queue row is expanded. */
  readonly regradeRequests: RegradeQueue;

  constructor(private readonly request: HubRequester) {
    this.versions = new StudentVersions(new VersionReader(request));
    this.regradeRequests = new RegradeQueue(request, (courseId) => ownSections(this.course(courseId)));
    this.help = new HelpQueues(request, (courseId) => ownSections(this.course(courseId)));
  }

  // ---- reading ----

  clusterInfo(): { info?: ClusterInfo; error?: string } {
    return { ...(this.cluster ? { info: this.cluster } : {}), ...(this.clusterError ? { error: this.clusterError } : {}) };
  }
  machine(name: string): MachineInfo | undefined {
    return this.cluster?.nodes.find((n) => n.name === name);
  }
  course(courseId: string): CourseSummary | undefined {
    return this.courseData(courseId)?.summary;
  }
  /** Courses the person teaches, as loaded. */
  courses(): CourseSummary[] {
    return (this.courseList ?? []).map((c) => c.summary);
  }
  /** Throws "you do not teach a course …" unless the loaded courses hold this one. */
  mustTeach(courseId: string): void {
    this.mustCourse(courseId);
  }
  workspace(courseId: string, studentId: string): WorkspaceInfo | undefined {
    return this.courseData(courseId)?.workspaces?.get(studentId);
  }
  /** Workspaces of a course when loaded (undefined before). */
  workspaceList(courseId: string): WorkspaceInfo[] | undefined {
    const w = this.courseData(courseId)?.workspaces;
    return w ? [...w.values()] : undefined;
  }
  assignment(courseId: string, assignmentId: string): AssignmentSummary | undefined {
    return this.courseData(courseId)?.assignments?.get(assignmentId);
  }
  /** Assignments of a course when loaded (undefined before). */
  assignmentList(courseId: string): AssignmentSummary[] | undefined {
    const a = this.courseData(courseId)?.assignments;
    return a ? [...a.values()] : undefined;
  }
  student(courseId: string, studentId: string): CourseMember | undefined {
    return this.courseData(courseId)?.students?.get(studentId);
  }
  /** A student's display name, or their id when unknown. */
  studentName(courseId: string, studentId: string): string {
    return this.student(courseId, studentId)?.name ?? this.workspace(courseId, studentId)?.studentName ?? studentId;
  }
  /** A student's submissions for an assignment, newest first (empty when none or not loaded). */
  studentSubmissions(courseId: string, assignmentId: string, studentId: string): SubmissionSummary[] {
    return this.courseData(courseId)?.submissions.get(assignmentId)?.get(studentId) ?? [];
  }
  /** Every loaded submission of an assignment by student, or undefined before it was loaded. */
  assignmentSubmissions(courseId: string, assignmentId: string): ReadonlyMap<string, SubmissionSummary[]> | undefined {
    return this.courseData(courseId)?.submissions.get(assignmentId);
  }
  /** Assignments of a course whose students and submissions were loaded, in the order they loaded. */
  loadedAssignmentIds(courseId: string): string[] {
    return [...(this.courseData(courseId)?.submissions.keys() ?? [])];
  }
  /** Students of a course when loaded. */
  students(courseId: string): CourseMember[] | undefined {
    const s = this.courseData(courseId)?.students;
    return s ? [...s.values()] : undefined;
  }
  submission(submissionId: string): SubmissionSummary | undefined {
    return this.submissionsById.get(submissionId);
  }
  result(submissionId: string): GradingResult | undefined {
    return this.results.get(submissionId);
  }
  submissionFiles(submissionId: string): SnapshotFile[] | undefined {
    return this.files.get(submissionId);
  }

  // ---- loading on demand ----

  /** Load the courses taught (not those taken as a student) and the cluster (once); a cluster that cannot be read is kept as an error. */
  ensureCourses(): Promise<void> {
    return this.once('courses', async () => {
      const [courses, cluster] = await Promise.all([
        this.request(ListCoursesRequest.type, {}),
        this.request(ListClusterNodesRequest.type, {}).then(
          (c) => ({ c }),
          (err: Error) => ({ err }),
        ),
      ]);
      this.courseList = courses.courses
        .filter((c) => c.role !== 'student')
        .map((summary) => ({ summary, submissions: new Map() }));
      if ('c' in cluster) this.cluster = cluster.c;
      else this.clusterError = cluster.err.message;
    });
  }

  /** Load the students and submissions of an assignment (once). */
  ensureAssignment(courseId: string, assignmentId: string): Promise<void> {
    return this.once(`assignment:${courseId}/${assignmentId}`, async () => {
      await this.ensureStudents(courseId);
      const { submissions } = await this.request(ListSubmissionsRequest.type, { courseId, assignmentId });
      const byStudent = new Map<string, SubmissionSummary[]>();
      for (const s of submissions) {
        this.submissionsById.set(s.id, s);
        const list = byStudent.get(s.studentId) ?? [];
        list.push(s);
        byStudent.set(s.studentId, list);
      }
      for (const list of byStudent.values()) list.sort(newestFirst);
      this.mustCourse(courseId).submissions.set(assignmentId, byStudent);
    });
  }

  /** Load the students of a course (once). */
  ensureStudents(courseId: string): Promise<void> {
    return this.once(`students:${courseId}`, async () => {
      const { people } = await this.request(ListCoursePeopleRequest.type, { courseId });
      this.mustCourse(courseId).students = new Map(people.filter((p) => p.role === 'student').map((p) => [p.personId, p]));
    });
  }

  /** Load the workspaces of a course (once). */
  ensureWorkspaces(courseId: string): Promise<void> {
    return this.once(`workspaces:${courseId}`, async () => {
      const { workspaces } = await this.request(ListWorkspacesRequest.type, { courseId });
      this.mustCourse(courseId).workspaces = new Map(workspaces.map((w) => [w.studentId, w]));
    });
  }

  /** Load the assignments of a course (once). */
  ensureAssignments(courseId: string): Promise<void> {
    return this.once(`assignments:${courseId}`, async () => {
      const { assignments } = await this.request(ListAssignmentsRequest.type, { courseId });
      this.mustCourse(courseId).assignments = new Map(assignments.map((a) => [a.id, a]));
    });
  }

  /** Load a submission's grading result (once until it changes). */
  ensureResult(submissionId: string): Promise<void> {
    return this.once(`result:${submissionId}`, async () => {
      const { result } = await this.request(GetResultRequest.type, { submissionId });
      this.results.set(submissionId, result);
    });
  }

  /** Load a submission's file list (once: snapshots never change). */
  ensureFiles(submissionId: string): Promise<void> {
    return this.once(`files:${submissionId}`, async () => {
      const { files } = await this.request(ListSubmissionFilesRequest.type, { submissionId });
      this.files.set(submissionId, [...files].sort((a, b) => a.path.localeCompare(b.path)));
    });
  }

  // ---- updates from the hub ----

  /** A submission was graded, regraded or overridden, or its late penalty judged again. */
  applyScoreChanged(p: ParamsOf<typeof ScoreChangedNotification.type>): void {
    const s = this.submissionsById.get(p.submissionId);
    this.forgetResult(p.submissionId);
    if (!s) return;
    const status = p.status === 'queued' || p.status === 'grading' || p.status === 'graded' || p.status === 'failed' ? p.status : s.status;
    // The event carries the override as it is now: none when it was removed.
    const updated: SubmissionSummary = { ...s, status };
    if (p.override) updated.override = p.override;
    else delete updated.override;
    if (p.score !== undefined) updated.score = p.score;
    if (p.maxScore !== undefined) updated.maxScore = p.maxScore;
    // The event carries the rubric's points as they are now: none when nothing is applied (or an applied item was removed).
    if (p.rubricPoints !== undefined) updated.rubricPoints = p.rubricPoints;
    else delete updated.rubricPoints;
    // Judged again (an extension, late days, new dates): the row's "late (−N%)" follows.
    if (p.lateness) {
      updated.late = p.lateness.late;
      updated.penaltyPercent = p.lateness.penaltyPercent;
      if (p.lateness.lateDaysUsed) updated.lateDaysUsed = p.lateness.lateDaysUsed;
      else delete updated.lateDaysUsed;
    }
    this.replaceSubmission(updated);
  }

  /** A new submission arrived (submitted, or collected at the deadline). */
  applySubmissionAdded(p: ParamsOf<typeof SubmissionAddedNotification.type>): void {
    this.replaceSubmission(p.submission);
  }

  /** A workspace changed state. */
  applyWorkspaceStatus(p: ParamsOf<typeof WorkspaceStatusChangedNotification.type>): void {
    const w = p.workspace;
    const course = this.courseData(w.courseId);
    if (!course?.workspaces) return;
    const before = course.workspaces.get(w.studentId);
    course.workspaces.set(w.studentId, w);
    this.changes.fire({ kind: 'workspace', courseId: w.courseId, studentId: w.studentId, stateChanged: before?.state !== w.state });
  }

  /** Store a submission as the hub now describes it (after an event or a staff action). */
  replaceSubmission(s: SubmissionSummary): void {
    this.submissionsById.set(s.id, s);
    const byStudent = this.courseData(s.courseId)?.submissions.get(s.assignmentId);
    if (!byStudent) return; // that assignment's list was never loaded: nothing on screen to change
    const list = byStudent.get(s.studentId) ?? [];
    const i = list.findIndex((x) => x.id === s.id);
    if (i >= 0) list[i] = s;
    else list.push(s);
    list.sort(newestFirst);
    const firstOfStudent = !byStudent.has(s.studentId);
    byStudent.set(s.studentId, list);
    this.changes.fire({ kind: 'submission', courseId: s.courseId, assignmentId: s.assignmentId, studentId: s.studentId, firstOfStudent });
  }

  /** True when this submission was queued again by a regrade since the view opened. */
  wasRegraded(submissionId: string): boolean {
    return this.regradedIds.has(submissionId);
  }

  /** Mark submissions queued again (a regrade was accepted). */
  markQueued(submissionIds: readonly string[]): void {
    for (const id of submissionIds) {
      this.regradedIds.add(id);
      const s = this.submissionsById.get(id);
      this.forgetResult(id);
      if (s) this.replaceSubmission({ ...s, status: 'queued' });
    }
  }

  /** Replace an assignment's summary (after an upsert or an extension). */
  replaceAssignment(a: AssignmentSummary): void {
    const course = this.courseData(a.courseId);
    if (!course?.assignments) return;
    const existed = course.assignments.has(a.id);
    course.assignments.set(a.id, a);
    this.changes.fire({ kind: 'assignment', courseId: a.courseId, assignmentId: a.id, added: !existed });
  }

  /** Forget everything loaded (after a reconnect, when events may have been missed); lists reload as they are asked for. */
  reload(): void {
    this.courseList = undefined;
    this.cluster = undefined;
    this.clusterError = undefined;
    this.submissionsById.clear();
    this.results.clear();
    this.loading.clear();
    this.regradeRequests.reload();
    this.help.clear();
    this.changes.fire({ kind: 'everything' });
  }

  dispose(): void {
    this.regradeRequests.dispose();
    this.help.dispose();
    this.changes.dispose();
  }

  // ---- internals ----

  /** A result that changed is read again the next time it is asked for. */
  private forgetResult(submissionId: string): void {
    this.results.delete(submissionId);
    this.loading.delete(`result:${submissionId}`);
  }

  /** Run a load once; a failed load is forgotten so the next expansion tries again. */
  private once(key: string, load: () => Promise<void>): Promise<void> {
    let p = this.loading.get(key);
    if (!p) {
      p = load().catch((err: unknown) => {
        if (this.loading.get(key) === p) this.loading.delete(key);
        throw err;
      });
      this.loading.set(key, p);
    }
    return p;
  }

  private courseData(courseId: string): CourseData | undefined {
    return this.courseList?.find((c) => c.summary.id === courseId);
  }

  private mustCourse(courseId: string): CourseData {
    const c = this.courseData(courseId);
    if (!c) throw new Error(`you do not teach a course ${courseId}`);
    return c;
  }
}

function newestFirst(a: SubmissionSummary, b: SubmissionSummary): number {
  return b.submittedAt.localeCompare(a.submittedAt);
}
