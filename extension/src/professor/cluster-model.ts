// The professors' cluster tree, as plain data: the cluster and its machines,
// the courses a person teaches, each course's workspaces and assignments,
// under an assignment its students, their submissions, and a submission's files
// and per-test results. Children load lazily, one hub request per level when a
// row is first expanded, and stay cached; the hub's events update the cache and
// name exactly the rows that changed (nothing polls). Long lists of students
// and workspaces are filtered by name or state and shown a page at a time.

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
import { isFiltering, matchesFilter, NO_FILTER, studentWorkStates, type ClassFilter } from './class-filter';
import { nodeId, type ClusterNode } from './cluster-nodes';
import type { HubRequester } from './hub-requester';

export type ClusterInfo = ResultOf<typeof ListClusterNodesRequest.type>;
export type MachineInfo = ClusterInfo['nodes'][number];

/** Options; every one has a default. */
export interface ClusterModelOptions {
  /** Rows of students or workspaces shown before a "show more" row. */
  pageSize?: number;
  /** Changes are gathered for this long and announced together (ms); 0 announces at once. */
  coalesceMs?: number;
  /** Above this many changed rows under one parent, the parent is announced instead. */
  maxChangedRowsPerParent?: number;
}

/** What is known about one course. */
interface CourseData {
  summary: CourseSummary;
  students?: Map<string, CourseMember>;
  workspaces?: Map<string, WorkspaceInfo>;
  assignments?: Map<string, AssignmentSummary>;
  /** assignmentId → studentId → submissions, newest first. */
  submissions: Map<string, Map<string, SubmissionSummary[]>>;
}

export class ClusterModel implements Disposable {
  private courseList: CourseData[] | undefined;
  private cluster: ClusterInfo | undefined;
  private clusterError: string | undefined;
  private readonly submissionsById = new Map<string, SubmissionSummary>();
  private readonly results = new Map<string, GradingResult>();
  private readonly files = new Map<string, SnapshotFile[]>();
  private readonly nodes = new Map<string, ClusterNode>();
  private readonly limits = new Map<string, number>();
  private readonly loading = new Map<string, Promise<void>>();
  private currentFilter: ClassFilter = NO_FILTER;
  private pending = new Set<string>();
  private pendingAll = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly changes = new Emitter<ClusterNode[] | undefined>();
  private readonly pageSize: number;
  private readonly coalesceMs: number;
  private readonly maxChangedRows: number;

  /** Fires with the rows that changed (their children may have changed too), or undefined for the whole tree. */
  readonly onDidChange: Event<ClusterNode[] | undefined> = this.changes.event;

  constructor(
    private readonly request: HubRequester,
    options: ClusterModelOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 200;
    this.coalesceMs = options.coalesceMs ?? 50;
    this.maxChangedRows = options.maxChangedRowsPerParent ?? 50;
  }

  // ---- reading the tree ----

  /** The rows under `node` (the top rows without one), loading what they need the first time. */
  async getChildren(node?: ClusterNode): Promise<ClusterNode[]> {
    if (!node) return this.topRows();
    try {
      return await this.childrenOf(node);
    } catch (err) {
      return [this.intern({ kind: 'message', id: nodeId.message(node.id), parentId: node.id, text: `Could not load: ${(err as Error).message}`, error: true })];
    }
  }

  /** The row above `node`, as the view needs it to reveal a row. */
  getParent(node: ClusterNode): ClusterNode | undefined {
    switch (node.kind) {
      case 'cluster':
      case 'course':
        return undefined;
      case 'machine':
        return this.nodes.get(nodeId.cluster());
      case 'workspaces':
      case 'assignments':
        return this.courseNode(node.courseId);
      case 'workspace':
        return this.intern({ kind: 'workspaces', id: nodeId.workspaces(node.courseId), courseId: node.courseId });
      case 'assignment':
        return this.intern({ kind: 'assignments', id: nodeId.assignments(node.courseId), courseId: node.courseId });
      case 'student':
        return this.assignmentNode(node.courseId, node.assignmentId);
      case 'submission':
        return this.studentNode(node.courseId, node.assignmentId, node.studentId);
      case 'results':
      case 'file':
      case 'test': {
        const s = this.submissionsById.get(node.submissionId);
        if (node.kind === 'test') return this.nodes.get(nodeId.results(node.submissionId));
        return s ? this.submissionNode(s) : undefined;
      }
      case 'more':
      case 'message':
        return this.nodes.get(node.parentId);
    }
  }

  /** The node with this id, if the tree has shown it. */
  node(id: string): ClusterNode | undefined {
    return this.nodes.get(id);
  }

  // ---- what the rows show ----

  get filter(): ClassFilter {
    return this.currentFilter;
  }
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

  // ---- loading on demand (also used by commands) ----

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

  // ---- filtering and paging ----

  /** Narrow the lists of students and workspaces. */
  setFilter(filter: ClassFilter): void {
    this.currentFilter = { text: filter.text, states: [...filter.states] };
    this.limits.clear();
    for (const course of this.courseList ?? []) {
      if (course.workspaces) this.changed(this.intern({ kind: 'workspaces', id: nodeId.workspaces(course.summary.id), courseId: course.summary.id }));
      for (const assignmentId of course.submissions.keys()) this.changed(this.assignmentNode(course.summary.id, assignmentId));
    }
  }

  /** Show the next page of the list a "more" row ends. */
  showMore(more: ClusterNode): void {
    if (more.kind !== 'more') return;
    this.limits.set(more.parentId, (this.limits.get(more.parentId) ?? this.pageSize) + this.pageSize);
    const parent = this.nodes.get(more.parentId);
    if (parent) this.changed(parent);
  }

  // ---- updates from the hub ----

  /** A submission was graded, regraded or overridden. */
  applyScoreChanged(p: ParamsOf<typeof ScoreChangedNotification.type>): void {
    const s = this.submissionsById.get(p.submissionId);
    this.results.delete(p.submissionId);
    this.loading.delete(`result:${p.submissionId}`);
    if (!s) return;
    const status = p.status === 'queued' || p.status === 'grading' || p.status === 'graded' || p.status === 'failed' ? p.status : s.status;
    // The event carries the override as it is now: none when it was removed.
    const updated: SubmissionSummary = { ...s, status };
    if (p.override) updated.override = p.override;
    else delete updated.override;
    if (p.score !== undefined) updated.score = p.score;
    if (p.maxScore !== undefined) updated.maxScore = p.maxScore;
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
    const row = this.nodes.get(nodeId.workspace(w.courseId, w.studentId));
    // A state filter may move the row in or out of the list: redraw the list then.
    if (!row || (this.currentFilter.states.length > 0 && before?.state !== w.state)) {
      this.changed(this.intern({ kind: 'workspaces', id: nodeId.workspaces(w.courseId), courseId: w.courseId }));
    } else this.changed(row);
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
    const row = this.nodes.get(nodeId.student(s.courseId, s.assignmentId, s.studentId));
    if (!row || firstOfStudent || this.currentFilter.states.length > 0) {
      this.changed(this.assignmentNode(s.courseId, s.assignmentId));
    } else this.changed(row);
  }

  /** Mark submissions queued again (a regrade was accepted). */
  markQueued(submissionIds: readonly string[]): void {
    for (const id of submissionIds) {
      const s = this.submissionsById.get(id);
      this.results.delete(id);
      this.loading.delete(`result:${id}`);
      if (s) this.replaceSubmission({ ...s, status: 'queued' });
    }
  }

  /** Replace an assignment's summary (after an upsert or an extension). */
  replaceAssignment(a: AssignmentSummary): void {
    const course = this.courseData(a.courseId);
    if (!course?.assignments) return;
    const existed = course.assignments.has(a.id);
    course.assignments.set(a.id, a);
    this.changed(existed ? this.assignmentNode(a.courseId, a.id) : this.intern({ kind: 'assignments', id: nodeId.assignments(a.courseId), courseId: a.courseId }));
  }

  /** Forget everything loaded (after a reconnect, when events may have been missed); rows reload as they are shown. */
  reload(): void {
    this.courseList = undefined;
    this.cluster = undefined;
    this.clusterError = undefined;
    this.submissionsById.clear();
    this.results.clear();
    this.loading.clear();
    this.pendingAll = true;
    this.schedule();
  }

  /** Announce gathered changes now. */
  flushChanges(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pendingAll) {
      this.pendingAll = false;
      this.pending.clear();
      this.changes.fire(undefined);
      return;
    }
    if (this.pending.size === 0) return;
    const ids = this.collapseChanges([...this.pending]);
    this.pending.clear();
    const rows = ids.map((id) => this.nodes.get(id)).filter((n): n is ClusterNode => n !== undefined);
    if (rows.length > 0) this.changes.fire(rows);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changes.dispose();
  }

  // ---- internals ----

  private async topRows(): Promise<ClusterNode[]> {
    await this.once('courses', async () => {
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
    const rows: ClusterNode[] = [];
    if ((this.courseList ?? []).length > 0) rows.push(this.intern({ kind: 'cluster', id: nodeId.cluster() }));
    for (const c of this.courseList ?? []) rows.push(this.courseNode(c.summary.id));
    return rows;
  }

  private async childrenOf(node: ClusterNode): Promise<ClusterNode[]> {
    switch (node.kind) {
      case 'cluster':
        return (this.cluster?.nodes ?? []).map((m) => this.intern({ kind: 'machine', id: nodeId.machine(m.name), name: m.name }));
      case 'course':
        return [
          this.intern({ kind: 'workspaces', id: nodeId.workspaces(node.courseId), courseId: node.courseId }),
          this.intern({ kind: 'assignments', id: nodeId.assignments(node.courseId), courseId: node.courseId }),
        ];
      case 'workspaces': {
        // The group's own row counts what it holds: redraw it once the list first arrives.
        if (!this.mustCourse(node.courseId).workspaces) await this.ensureWorkspaces(node.courseId).then(() => this.changed(node));
        const list = [...(this.mustCourse(node.courseId).workspaces?.values() ?? [])]
          .filter((w) => matchesFilter(this.currentFilter, [w.studentId, w.studentName], [w.state]))
          .sort((a, b) => (a.studentName ?? a.studentId).localeCompare(b.studentName ?? b.studentId));
        return this.page(node, list, (w) => this.intern({ kind: 'workspace', id: nodeId.workspace(w.courseId, w.studentId), courseId: w.courseId, studentId: w.studentId }), 'No workspace matches the filter.');
      }
      case 'assignments': {
        await this.ensureAssignments(node.courseId);
        return [...(this.mustCourse(node.courseId).assignments?.values() ?? [])].map((a) => this.assignmentNode(a.courseId, a.id));
      }
      case 'assignment': {
        if (!this.mustCourse(node.courseId).submissions.has(node.assignmentId)) {
          await this.ensureAssignment(node.courseId, node.assignmentId).then(() => this.changed(node));
        }
        const course = this.mustCourse(node.courseId);
        const byStudent = course.submissions.get(node.assignmentId) ?? new Map<string, SubmissionSummary[]>();
        const ids = new Set([...(course.students?.keys() ?? []), ...byStudent.keys()]);
        const list = [...ids]
          .map((id) => ({ id, name: course.students?.get(id)?.name ?? id, states: studentWorkStates(byStudent.get(id) ?? []) }))
          .filter((s) => matchesFilter(this.currentFilter, [s.id, s.name], s.states))
          .sort((a, b) => a.name.localeCompare(b.name));
        return this.page(node, list, (s) => this.studentNode(node.courseId, node.assignmentId, s.id), 'No student matches the filter.');
      }
      case 'student': {
        const list = this.studentSubmissions(node.courseId, node.assignmentId, node.studentId);
        // The verdict summary of each submission shows on its row: fetch the few results together.
        await Promise.all(list.map((s) => this.ensureResult(s.id).catch(() => undefined)));
        return list.map((s) => this.submissionNode(s));
      }
      case 'submission': {
        await Promise.all([this.ensureFiles(node.submissionId), this.ensureResult(node.submissionId).catch(() => undefined)]);
        return [
          this.intern({ kind: 'results', id: nodeId.results(node.submissionId), submissionId: node.submissionId }),
          ...(this.files.get(node.submissionId) ?? []).map((f) =>
            this.intern({ kind: 'file', id: nodeId.file(node.submissionId, f.path), courseId: node.courseId, assignmentId: node.assignmentId, studentId: node.studentId, submissionId: node.submissionId, path: f.path }),
          ),
        ];
      }
      case 'results': {
        await this.ensureResult(node.submissionId);
        return (this.results.get(node.submissionId)?.tests ?? []).map((_t, index) =>
          this.intern({ kind: 'test', id: nodeId.test(node.submissionId, index), submissionId: node.submissionId, index }),
        );
      }
      default:
        return [];
    }
  }

  private ensureWorkspaces(courseId: string): Promise<void> {
    return this.once(`workspaces:${courseId}`, async () => {
      const { workspaces } = await this.request(ListWorkspacesRequest.type, { courseId });
      this.mustCourse(courseId).workspaces = new Map(workspaces.map((w) => [w.studentId, w]));
    });
  }

  private page<T>(parent: ClusterNode, list: T[], toNode: (item: T) => ClusterNode, emptyText: string): ClusterNode[] {
    if (list.length === 0 && isFiltering(this.currentFilter)) {
      return [this.intern({ kind: 'message', id: nodeId.message(parent.id), parentId: parent.id, text: emptyText, error: false })];
    }
    const limit = this.limits.get(parent.id) ?? this.pageSize;
    const rows = list.slice(0, limit).map(toNode);
    if (list.length > limit) {
      // A fresh object each time, so its "remaining" count is never stale.
      const more: ClusterNode = { kind: 'more', id: nodeId.more(parent.id), parentId: parent.id, remaining: list.length - limit };
      this.nodes.set(more.id, more);
      rows.push(more);
    }
    return rows;
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

  private courseNode(courseId: string): ClusterNode {
    return this.intern({ kind: 'course', id: nodeId.course(courseId), courseId });
  }
  private assignmentNode(courseId: string, assignmentId: string): ClusterNode {
    return this.intern({ kind: 'assignment', id: nodeId.assignment(courseId, assignmentId), courseId, assignmentId });
  }
  private studentNode(courseId: string, assignmentId: string, studentId: string): ClusterNode {
    return this.intern({ kind: 'student', id: nodeId.student(courseId, assignmentId, studentId), courseId, assignmentId, studentId });
  }
  private submissionNode(s: SubmissionSummary): ClusterNode {
    return this.intern({ kind: 'submission', id: nodeId.submission(s.id), courseId: s.courseId, assignmentId: s.assignmentId, studentId: s.studentId, submissionId: s.id });
  }

  /** One object per id. */
  private intern<N extends ClusterNode>(node: N): N {
    const known = this.nodes.get(node.id);
    if (known) return known as N;
    this.nodes.set(node.id, node);
    return node;
  }

  private changed(node: ClusterNode): void {
    this.pending.add(node.id);
    this.schedule();
  }

  private schedule(): void {
    if (this.coalesceMs <= 0) {
      this.flushChanges();
      return;
    }
    this.timer ??= setTimeout(() => this.flushChanges(), this.coalesceMs);
  }

  /** Drop rows whose ancestor also changed; name the parent instead of many of its rows. */
  private collapseChanges(ids: string[]): string[] {
    const set = new Set(ids);
    const ancestorChanged = (id: string): boolean => {
      let n = this.nodes.get(id);
      while (n) {
        n = this.getParent(n);
        if (n && set.has(n.id)) return true;
      }
      return false;
    };
    let kept = ids.filter((id) => !ancestorChanged(id));
    const byParent = new Map<string, string[]>();
    for (const id of kept) {
      const node = this.nodes.get(id);
      const parent = node ? this.getParent(node) : undefined;
      if (!parent) continue;
      const list = byParent.get(parent.id) ?? [];
      list.push(id);
      byParent.set(parent.id, list);
    }
    for (const [parentId, children] of byParent) {
      if (children.length > this.maxChangedRows) {
        const drop = new Set(children);
        kept = kept.filter((id) => !drop.has(id));
        kept.push(parentId);
      }
    }
    return kept;
  }
}

function newestFirst(a: SubmissionSummary, b: SubmissionSummary): number {
  return b.submittedAt.localeCompare(a.submittedAt);
}
