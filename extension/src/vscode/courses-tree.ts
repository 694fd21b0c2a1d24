// The Courses view: courses, and under each its assignments with due time,
// state and score. Reads the CourseCatalog; refreshes when it changes.

import * as vscode from 'vscode';
import { plural, type AssignmentSummary, type CourseSummary } from '@classpod/protocol';
import type { CourseCatalog } from '../courses/course-catalog';
import { presentAssignment } from '../courses/assignment-presentation';
import { RedrawSchedule } from '../deadlines/redraw-schedule';
import { relativeTextChangesAt } from '../deadlines/time-format';
import { regradeRequestText, type StudentRegradeRequests } from '../courses/regrade-requests';

export type CoursesTreeNode =
  | { kind: 'course'; course: CourseSummary; error?: string }
  | { kind: 'assignment'; assignment: AssignmentSummary; role: CourseSummary['role'] };

export class CoursesTreeProvider implements vscode.TreeDataProvider<CoursesTreeNode>, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<CoursesTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changes.event;
  private readonly subscription: { dispose(): void };
  /** Assignment rows are redrawn when their relative due time ("due in 3 hours") reads differently. */
  private readonly dueTimes: RedrawSchedule<CoursesTreeNode>;

  constructor(
    private readonly catalog: CourseCatalog,
    private readonly now: () => number,
    private readonly openFolders: () => ReadonlySet<string>,
    /** The student's regrade requests: the newest shows on its assignment. */
    private readonly regradeRequests?: StudentRegradeRequests,
  ) {
    this.dueTimes = new RedrawSchedule((rows) => {
      for (const row of rows) this.changes.fire(row);
    }, now);
    const catalogChanges = catalog.onDidChange(() => this.refresh());
    const requestChanges = regradeRequests?.onDidChange(() => this.refresh());
    this.subscription = { dispose: () => [catalogChanges, requestChanges].forEach((d) => d?.dispose()) };
  }

  /** Redraw every row. */
  refresh(): void {
    this.dueTimes.clear();
    this.changes.fire(undefined);
  }

  getTreeItem(node: CoursesTreeNode): vscode.TreeItem {
    if (node.kind === 'course') {
      const item = new vscode.TreeItem(node.course.title, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `course:${node.course.id}`;
      item.description = node.error ? `could not load: ${node.error}` : node.course.role === 'student' ? undefined : node.course.role;
      item.iconPath = new vscode.ThemeIcon(node.error ? 'error' : 'mortar-board');
      item.contextValue = `course.${node.course.role}`;
      item.tooltip = `${node.course.title} (${node.course.id}) — ${plural(node.course.assignments, 'assignment')}`;
      return item;
    }
    const a = node.assignment;
    const now = new Date(this.now());
    const p = presentAssignment(a, now, undefined, node.role);
    this.dueTimes.note(node, a.dueAt ? relativeTextChangesAt(new Date(a.dueAt), now).getTime() : undefined);
    const request = node.role === 'student' ? this.regradeRequests?.latest(a.courseId, a.id) : undefined;
    // A request about an earlier submission is history: the row speaks of the one that counts.
    if (request && request.submissionId === a.latestSubmissionId) {
      const r = regradeRequestText(request);
      // First, so the narrow side bar still shows it.
      p.description = `${r.description} · ${p.description}`;
      p.tooltip.push(...r.tooltip);
    }
    const item = new vscode.TreeItem(p.label, vscode.TreeItemCollapsibleState.None);
    item.id = `assignment:${a.courseId}/${a.id}`;
    const open = this.openFolders().has(`${a.courseId}/${a.id}`);
    item.description = open ? `${p.description} · open` : p.description;
    item.tooltip = new vscode.MarkdownString(p.tooltip.map((l, i) => (i === 0 ? `**${l}**` : l)).join('  \n'));
    item.iconPath = new vscode.ThemeIcon(p.icon, p.iconColor ? new vscode.ThemeColor(p.iconColor) : undefined);
    item.contextValue = p.contextValue;
    item.accessibilityInformation = { label: `${p.label}, ${p.description}` };
    return item;
  }

  getChildren(node?: CoursesTreeNode): CoursesTreeNode[] {
    if (!node) {
      return this.catalog.courses().map((e) => ({ kind: 'course', course: e.course, ...(e.error ? { error: e.error } : {}) }));
    }
    if (node.kind === 'course') {
      const entry = this.catalog.courses().find((e) => e.course.id === node.course.id);
      return (entry?.assignments ?? []).map((assignment) => ({ kind: 'assignment', assignment, role: node.course.role }));
    }
    return [];
  }

  getParent(node: CoursesTreeNode): CoursesTreeNode | undefined {
    if (node.kind === 'course') return undefined;
    const entry = this.catalog.courses().find((e) => e.course.id === node.assignment.courseId);
    return entry ? { kind: 'course', course: entry.course } : undefined;
  }

  dispose(): void {
    this.dueTimes.dispose();
    this.subscription.dispose();
    this.changes.dispose();
  }
}
