// The student's courses and their assignments, as last read from the hub.
// Refreshed on demand and when the hub announces a change; the tree view and
// the deadline watch read from it.

import {
  ListAssignmentsRequest,
  ListCoursesRequest,
  type AssignmentSummary,
  type CourseSummary,
  type RpcEndpoint,
} from '@classpod/protocol';
import { Emitter, type Disposable, type Event } from '../emitter';

/** One course with its assignments (undefined until loaded; `error` if loading failed). */
export interface CourseEntry {
  course: CourseSummary;
  assignments: AssignmentSummary[];
  error?: string;
}

export class CourseCatalog implements Disposable {
  private entries: CourseEntry[] = [];
  private loaded = false;
  private readonly changes = new Emitter<void>();
  /** Fires when anything in the catalog changed. */
  readonly onDidChange: Event<void> = this.changes.event;

  constructor(
    private readonly endpoint: () => Promise<RpcEndpoint>,
    /** Called with every server time the hub reports, to follow its clock. */
    private readonly onServerTime: (iso: string) => void = () => undefined,
  ) {}

  /** True once a refresh succeeded. */
  get isLoaded(): boolean {
    return this.loaded;
  }

  courses(): readonly CourseEntry[] {
    return this.entries;
  }

  /** Find an assignment by course and id. */
  find(courseId: string, assignmentId: string): AssignmentSummary | undefined {
    return this.entries.find((e) => e.course.id === courseId)?.assignments.find((a) => a.id === assignmentId);
  }

  /** Every assignment of every course. */
  allAssignments(): AssignmentSummary[] {
    return this.entries.flatMap((e) => e.assignments);
  }

  /** Read the course list and every course's assignments again. */
  async refresh(): Promise<void> {
    const endpoint = await this.endpoint();
    const { courses } = await endpoint.request(ListCoursesRequest.type, {});
    this.entries = await Promise.all(courses.map((course) => this.loadCourse(endpoint, course)));
    this.loaded = true;
    this.changes.fire();
  }

  /** Read one course's assignments again (after an event about it). */
  async refreshCourse(courseId: string): Promise<void> {
    const i = this.entries.findIndex((e) => e.course.id === courseId);
    if (i < 0) return this.refresh();
    const endpoint = await this.endpoint();
    this.entries[i] = await this.loadCourse(endpoint, this.entries[i]!.course);
    this.changes.fire();
  }

  /** Replace one assignment's summary (e.g. a score arrived). */
  update(summary: AssignmentSummary): void {
    const entry = this.entries.find((e) => e.course.id === summary.courseId);
    if (!entry) return;
    const i = entry.assignments.findIndex((a) => a.id === summary.id);
    if (i >= 0) entry.assignments[i] = summary;
    else entry.assignments.push(summary);
    this.changes.fire();
  }

  /** Forget everything (sign out). */
  clear(): void {
    this.entries = [];
    this.loaded = false;
    this.changes.fire();
  }

  dispose(): void {
    this.changes.dispose();
  }

  private async loadCourse(endpoint: RpcEndpoint, course: CourseSummary): Promise<CourseEntry> {
    try {
      const result = await endpoint.request(ListAssignmentsRequest.type, { courseId: course.id });
      this.onServerTime(result.serverTime);
      const assignments = [...result.assignments].sort(byDueTime);
      return { course, assignments };
    } catch (err) {
      return { course, assignments: [], error: (err as Error).message };
    }
  }
}

/** Soonest due first; assignments without a due time last, by title. */
export function byDueTime(a: AssignmentSummary, b: AssignmentSummary): number {
  const da = a.dueAt ? Date.parse(a.dueAt) : Infinity;
  const db = b.dueAt ? Date.parse(b.dueAt) : Infinity;
  return da !== db ? da - db : a.title.localeCompare(b.title);
}
