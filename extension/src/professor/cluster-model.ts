// The professors' cluster tree, as rows of plain data: the cluster and its
// machines, the courses a person teaches, each course's workspaces and
// assignments, under an assignment its students, their submissions, and a
// submission's files and per-test results. Which rows stand under which is
// this file's job; the entities come from the cache (which loads each list the
// first time a row is expanded and applies the hub's events), lists of
// students and workspaces are narrowed by the class filter and shown a page at
// a time, and the cache's updates become announcements of exactly the rows
// that show them (nothing polls).

import type { SubmissionSummary } from '@classpod/protocol';
import type { Disposable, Event } from '../emitter';
import { ChangedRows } from './changed-rows';
import { filterStudents, filterWorkspaces, isFiltering, NO_FILTER, ownSections, type ClassFilter, type SectionOrder } from './class-filter';
import type { CacheChange, ClusterCache } from './cluster-cache';
import { nodeId, type ClusterNode } from './cluster-nodes';
import { ListPager } from './list-pager';

/** Options; every one has a default. */
export interface ClusterModelOptions {
  /** Rows of students or workspaces shown before a "show more" row. */
  pageSize?: number;
  /** Changes are gathered for this long and announced together (ms); 0 announces at once. */
  coalesceMs?: number;
  /** Above this many changed rows under one parent, the parent is announced instead. */
  maxChangedRowsPerParent?: number;
}

export class ClusterModel implements Disposable {
  private readonly nodes = new Map<string, ClusterNode>();
  private currentFilter: ClassFilter = NO_FILTER;
  private readonly pager: ListPager;
  private readonly changedRows: ChangedRows;
  private readonly cacheChanges: Disposable;
  private readonly queueChanges: Disposable;
  private readonly helpChanges: Disposable;

  /** Fires with the rows that changed (their children may have changed too), or undefined for the whole tree. */
  readonly onDidChange: Event<ClusterNode[] | undefined>;

  constructor(
    /** The entities the rows show. */
    readonly cache: ClusterCache,
    options: ClusterModelOptions = {},
  ) {
    this.pager = new ListPager(options.pageSize ?? 200);
    this.changedRows = new ChangedRows(this, { coalesceMs: options.coalesceMs ?? 50, maxChangedRowsPerParent: options.maxChangedRowsPerParent ?? 50 });
    this.onDidChange = this.changedRows.onDidChange;
    this.cacheChanges = cache.onDidChange((change) => this.showChange(change));
    // The queue's row counts what it holds: redraw it (and its rows) when the queue changes.
    this.queueChanges = cache.regradeRequests.onDidChange((courseId) => this.changedRows.add(this.regradeRequestsNode(courseId)));
    // A queue's own row counts its hands: redraw it (and so its rows) when it changes.
    this.helpChanges = cache.help.onDidChange((courseId) => this.changedRows.add(this.helpQueueNode(courseId)));
  }

  // ---- reading the tree ----

  /** The rows under `node` (the top rows without one), loading what they need the first time. */
  /** The viewer's section of the course first (their students as far as they are loaded), then everyone else. */
  private sectionOrder(courseId: string): SectionOrder {
    const sections = new Map((this.cache.students(courseId) ?? []).map((m) => [m.personId, m.section]));
    return { mySections: ownSections(this.cache.course(courseId)), sectionOf: (id) => sections.get(id) };
  }

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
      case 'regradeRequests':
        return this.courseNode(node.courseId);
      case 'regradeRequest':
        return this.regradeRequestsNode(node.courseId);
      case 'helpQueue':
        return this.courseNode(node.courseId);
      case 'helpRequest':
        return this.helpQueueNode(node.courseId);
      case 'workspace':
        return this.workspacesNode(node.courseId);
      case 'assignment':
        return this.assignmentsNode(node.courseId);
      case 'student':
        return this.assignmentNode(node.courseId, node.assignmentId);
      case 'submission':
      case 'versions':
        return this.studentNode(node.courseId, node.assignmentId, node.studentId);
      case 'version':
        return this.nodes.get(nodeId.versions(node.courseId, node.assignmentId, node.studentId));
      case 'versionFile':
        return this.nodes.get(nodeId.version(node.versionId));
      case 'results':
      case 'file':
      case 'test': {
        const s = this.cache.submission(node.submissionId);
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

  /**
   * The row that shows a student's work on an assignment — the submission that
   * counts, or the student's row when nothing was handed in — with the lists
   * above it loaded and paged far enough to hold it, so a view can reveal it.
   * `hidden` when the filter leaves the student out.
   */
  async rowOfWork(courseId: string, assignmentId: string, studentId: string): Promise<{ row: ClusterNode } | { hidden: true }> {
    await this.cache.ensureCourses();
    this.cache.mustTeach(courseId);
    await this.cache.ensureAssignments(courseId);
    await this.cache.ensureAssignment(courseId, assignmentId);
    const byStudent = this.cache.assignmentSubmissions(courseId, assignmentId) ?? new Map<string, SubmissionSummary[]>();
    const list = filterStudents(this.currentFilter, this.cache.students(courseId), byStudent, ownSections(this.cache.course(courseId)));
    const index = list.findIndex((s) => s.id === studentId);
    if (index < 0) return { hidden: true };
    const parent = this.assignmentNode(courseId, assignmentId);
    if (this.pager.showAtLeast(parent.id, index + 1)) this.changedRows.add(parent);
    const latest = this.cache.studentSubmissions(courseId, assignmentId, studentId)[0];
    return { row: latest ? this.submissionNode(latest) : this.studentNode(courseId, assignmentId, studentId) };
  }

  // ---- filtering and paging ----

  get filter(): ClassFilter {
    return this.currentFilter;
  }

  /** Narrow the lists of students and workspaces. */
  setFilter(filter: ClassFilter): void {
    this.currentFilter = { text: filter.text, states: [...filter.states] };
    this.pager.reset();
    for (const course of this.cache.courses()) {
      if (this.cache.workspaceList(course.id)) this.changedRows.add(this.workspacesNode(course.id));
      for (const assignmentId of this.cache.loadedAssignmentIds(course.id)) this.changedRows.add(this.assignmentNode(course.id, assignmentId));
    }
  }

  /** Show the next page of the list a "more" row ends. */
  showMore(more: ClusterNode): void {
    if (more.kind !== 'more') return;
    this.pager.showMore(more.parentId);
    const parent = this.nodes.get(more.parentId);
    if (parent) this.changedRows.add(parent);
  }

  /** Announce gathered changes now. */
  flushChanges(): void {
    this.changedRows.flush();
  }

  dispose(): void {
    this.cacheChanges.dispose();
    this.queueChanges.dispose();
    this.helpChanges.dispose();
    this.changedRows.dispose();
  }

  // ---- internals ----

  /** Name the rows that show what the cache updated. */
  private showChange(change: CacheChange): void {
    // A state filter may move a row in or out of its list: redraw the list then.
    const stateFilter = this.currentFilter.states.length > 0;
    switch (change.kind) {
      case 'everything':
        this.changedRows.addEverything();
        return;
      case 'workspace': {
        const row = this.nodes.get(nodeId.workspace(change.courseId, change.studentId));
        this.changedRows.add(!row || (stateFilter && change.stateChanged) ? this.workspacesNode(change.courseId) : row);
        return;
      }
      case 'submission': {
        const row = this.nodes.get(nodeId.student(change.courseId, change.assignmentId, change.studentId));
        this.changedRows.add(!row || change.firstOfStudent || stateFilter ? this.assignmentNode(change.courseId, change.assignmentId) : row);
        return;
      }
      case 'assignment':
        this.changedRows.add(change.added ? this.assignmentsNode(change.courseId) : this.assignmentNode(change.courseId, change.assignmentId));
        return;
    }
  }

  private async topRows(): Promise<ClusterNode[]> {
    await this.cache.ensureCourses();
    const courses = this.cache.courses();
    const rows: ClusterNode[] = [];
    if (courses.length > 0) rows.push(this.intern({ kind: 'cluster', id: nodeId.cluster() }));
    for (const c of courses) rows.push(this.courseNode(c.id));
    return rows;
  }

  private async childrenOf(node: ClusterNode): Promise<ClusterNode[]> {
    switch (node.kind) {
      case 'cluster':
        return (this.cache.clusterInfo().info?.nodes ?? []).map((m) => this.intern({ kind: 'machine', id: nodeId.machine(m.name), name: m.name }));
      case 'course':
        // The queue's count shows on its row before it is expanded: load it now (its change redraws the row).
        void this.cache.regradeRequests.ensure(node.courseId).catch(() => undefined);
        void this.cache.help.ensure(node.courseId).catch(() => undefined);
        return [this.helpQueueNode(node.courseId), this.workspacesNode(node.courseId), this.assignmentsNode(node.courseId), this.regradeRequestsNode(node.courseId)];
      case 'regradeRequests': {
        this.cache.mustTeach(node.courseId);
        // The row's own label counts the queue: redraw it once the queue first arrives.
        await this.cache.regradeRequests.ensure(node.courseId);
        // Titles of the assignments the rows name.
        await this.cache.ensureAssignments(node.courseId);
        const queue = this.cache.regradeRequests.list(node.courseId) ?? [];
        if (queue.length === 0) return [this.intern({ kind: 'message', id: nodeId.message(node.id), parentId: node.id, text: 'No open regrade request.', error: false })];
        return queue.map((r) => this.intern({ kind: 'regradeRequest', id: nodeId.regradeRequest(r.id), courseId: r.courseId, requestId: r.id }));
      }
      case 'helpQueue': {
        this.cache.mustTeach(node.courseId);
        const queue = await this.cache.help.ensure(node.courseId);
        if (queue.length === 0) return [this.intern({ kind: 'message', id: nodeId.message(node.id), parentId: node.id, text: 'No hand raised.', error: false })];
        return queue.map((r) => this.intern({ kind: 'helpRequest', id: nodeId.helpRequest(r.id), courseId: node.courseId, requestId: r.id }));
      }
      case 'workspaces': {
        this.cache.mustTeach(node.courseId);
        // The group's own row counts what it holds: redraw it once the list first arrives.
        if (!this.cache.workspaceList(node.courseId)) await this.cache.ensureWorkspaces(node.courseId).then(() => this.changedRows.add(node));
        this.cache.mustTeach(node.courseId);
        const list = filterWorkspaces(this.currentFilter, this.cache.workspaceList(node.courseId) ?? [], this.sectionOrder(node.courseId));
        return this.page(node, list, (w) => this.intern({ kind: 'workspace', id: nodeId.workspace(w.courseId, w.studentId), courseId: w.courseId, studentId: w.studentId }), 'No workspace matches the filter.');
      }
      case 'assignments': {
        await this.cache.ensureAssignments(node.courseId);
        this.cache.mustTeach(node.courseId);
        return (this.cache.assignmentList(node.courseId) ?? []).map((a) => this.assignmentNode(a.courseId, a.id));
      }
      case 'assignment': {
        this.cache.mustTeach(node.courseId);
        if (!this.cache.assignmentSubmissions(node.courseId, node.assignmentId)) {
          await this.cache.ensureAssignment(node.courseId, node.assignmentId).then(() => this.changedRows.add(node));
        }
        this.cache.mustTeach(node.courseId);
        const byStudent = this.cache.assignmentSubmissions(node.courseId, node.assignmentId) ?? new Map<string, SubmissionSummary[]>();
        const list = filterStudents(this.currentFilter, this.cache.students(node.courseId), byStudent, ownSections(this.cache.course(node.courseId)));
        return this.page(node, list, (s) => this.studentNode(node.courseId, node.assignmentId, s.id), 'No student matches the filter.');
      }
      case 'student': {
        const list = this.cache.studentSubmissions(node.courseId, node.assignmentId, node.studentId);
        // The verdict summary of each submission shows on its row: fetch the few results together.
        await Promise.all(list.map((s) => this.cache.ensureResult(s.id).catch(() => undefined)));
        const versions = this.intern({ kind: 'versions', id: nodeId.versions(node.courseId, node.assignmentId, node.studentId), courseId: node.courseId, assignmentId: node.assignmentId, studentId: node.studentId });
        return [...list.map((s) => this.submissionNode(s)), versions];
      }
      case 'versions': {
        const entries = await this.cache.versions.load(node.courseId, node.assignmentId, node.studentId);
        if (entries.length === 0) {
          return [this.intern({ kind: 'message', id: nodeId.message(node.id), parentId: node.id, text: 'No version recorded yet (the folder never synced a change).', error: false })];
        }
        return entries.map((e) =>
          this.intern({ kind: 'version', id: nodeId.version(e.version.id), courseId: node.courseId, assignmentId: node.assignmentId, studentId: node.studentId, versionId: e.version.id }),
        );
      }
      case 'version': {
        const entry = this.cache.versions.entry(node.versionId);
        return (entry?.changes ?? []).map((c) =>
          this.intern({ kind: 'versionFile', id: nodeId.versionFile(node.versionId, c.path), courseId: node.courseId, assignmentId: node.assignmentId, studentId: node.studentId, versionId: node.versionId, path: c.path }),
        );
      }
      case 'submission': {
        await Promise.all([this.cache.ensureFiles(node.submissionId), this.cache.ensureResult(node.submissionId).catch(() => undefined)]);
        return [
          this.intern({ kind: 'results', id: nodeId.results(node.submissionId), submissionId: node.submissionId }),
          ...(this.cache.submissionFiles(node.submissionId) ?? []).map((f) =>
            this.intern({ kind: 'file', id: nodeId.file(node.submissionId, f.path), courseId: node.courseId, assignmentId: node.assignmentId, studentId: node.studentId, submissionId: node.submissionId, path: f.path }),
          ),
        ];
      }
      case 'results': {
        await this.cache.ensureResult(node.submissionId);
        return (this.cache.result(node.submissionId)?.tests ?? []).map((_t, index) =>
          this.intern({ kind: 'test', id: nodeId.test(node.submissionId, index), submissionId: node.submissionId, index }),
        );
      }
      default:
        return [];
    }
  }

  /** A filtered list's rows: one page of them and a "more" row, or a message when the filter leaves none. */
  private page<T>(parent: ClusterNode, list: T[], toNode: (item: T) => ClusterNode, emptyText: string): ClusterNode[] {
    if (list.length === 0 && isFiltering(this.currentFilter)) {
      return [this.intern({ kind: 'message', id: nodeId.message(parent.id), parentId: parent.id, text: emptyText, error: false })];
    }
    const { shown, remaining } = this.pager.page(parent.id, list);
    const rows = shown.map(toNode);
    if (remaining > 0) {
      // A fresh object each time, so its "remaining" count is never stale.
      const more: ClusterNode = { kind: 'more', id: nodeId.more(parent.id), parentId: parent.id, remaining };
      this.nodes.set(more.id, more);
      rows.push(more);
    }
    return rows;
  }

  private courseNode(courseId: string): ClusterNode {
    return this.intern({ kind: 'course', id: nodeId.course(courseId), courseId });
  }
  private helpQueueNode(courseId: string): ClusterNode {
    return this.intern({ kind: 'helpQueue', id: nodeId.helpQueue(courseId), courseId });
  }
  private workspacesNode(courseId: string): ClusterNode {
    return this.intern({ kind: 'workspaces', id: nodeId.workspaces(courseId), courseId });
  }
  private regradeRequestsNode(courseId: string): ClusterNode {
    return this.intern({ kind: 'regradeRequests', id: nodeId.regradeRequests(courseId), courseId });
  }
  private assignmentsNode(courseId: string): ClusterNode {
    return this.intern({ kind: 'assignments', id: nodeId.assignments(courseId), courseId });
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
}
