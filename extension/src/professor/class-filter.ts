// Filtering a large class: by a piece of a student's name or id, and by state
// (a workspace's lifecycle state, or where a student stands on an assignment).
// A filter narrows lists of students and workspaces, which it hands back in
// name order; everything else is shown.

import type { CourseMember, SubmissionSummary, WorkspaceInfo } from '@classpod/protocol';

/** Where one student stands on one assignment, from their submissions. */
export type StudentWorkState = 'not submitted' | 'grading' | 'graded' | 'failed' | 'late';

/** States a person can filter on. */
export const WORKSPACE_STATES = ['running', 'starting', 'stopping', 'stopped', 'failed'] as const;
export const STUDENT_STATES: readonly StudentWorkState[] = ['not submitted', 'grading', 'graded', 'failed', 'late'];

/** The state of a student's work, from their submissions (newest first). */
export function studentWorkStates(submissions: readonly SubmissionSummary[]): StudentWorkState[] {
  const latest = submissions[0];
  if (!latest) return ['not submitted'];
  const states: StudentWorkState[] = [];
  if (latest.status === 'graded') states.push('graded');
  else if (latest.status === 'failed') states.push('failed');
  else states.push('grading');
  if (latest.late) states.push('late');
  return states;
}

/** A filter as a person typed it. Empty text and no states match everybody. */
export interface ClassFilter {
  /** Case-insensitive piece of a name or id. */
  text: string;
  /** Keep only these states (any of them); empty keeps every state. */
  states: readonly string[];
}

export const NO_FILTER: ClassFilter = { text: '', states: [] };

/**
 * The filter a command was given as its argument, or undefined when the
 * argument is not one: a button in the view's title bar calls the command with
 * whatever VS Code passes there (a row, a view descriptor), which must open the
 * filter's inputs rather than be read as "no filter".
 */
export function filterFromArgument(arg: unknown): ClassFilter | undefined {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return undefined;
  const keys = Object.keys(arg);
  if (keys.length === 0 || !keys.every((k) => k === 'text' || k === 'states')) return undefined;
  const { text, states } = arg as { text?: unknown; states?: unknown };
  if (text !== undefined && typeof text !== 'string') return undefined;
  if (states !== undefined && !(Array.isArray(states) && states.every((s) => typeof s === 'string'))) return undefined;
  return { text: text ?? '', states: (states as string[] | undefined) ?? [] };
}

/** True when the filter narrows anything. */
export function isFiltering(filter: ClassFilter): boolean {
  return filter.text.trim() !== '' || filter.states.length > 0;
}

/** Does a person with these names and states pass the filter? */
export function matchesFilter(filter: ClassFilter, names: readonly (string | undefined)[], states: readonly string[]): boolean {
  const text = filter.text.trim().toLowerCase();
  if (text && !names.some((n) => n !== undefined && n.toLowerCase().includes(text))) return false;
  if (filter.states.length > 0 && !states.some((s) => filter.states.includes(s))) return false;
  return true;
}

/** "name: ali, state: graded, late" — for the view's description. */
export function describeFilter(filter: ClassFilter): string {
  const parts: string[] = [];
  if (filter.text.trim()) parts.push(`name: ${filter.text.trim()}`);
  if (filter.states.length > 0) parts.push(`state: ${filter.states.join(', ')}`);
  return parts.join(' · ');
}

/** Whose sections come first: the viewer's own sections (a teaching assistant may teach several), and each student's. */
export interface SectionOrder {
  mySections: readonly string[];
  sectionOf(studentId: string): string | undefined;
}

/** The sections of the viewer in a course, as `courses/list` gives them (older hubs give only `section`). */
export function ownSections(course: { section?: string; sections?: string[] } | undefined): string[] {
  return course?.sections ?? (course?.section !== undefined ? [course.section] : []);
}

/** 0 for a student of one of the viewer's sections, 1 for the others. */
function sectionRank(order: SectionOrder | undefined, studentId: string): number {
  const s = order?.sectionOf(studentId);
  return s !== undefined && order!.mySections.includes(s) ? 0 : 1;
}

/** The workspaces that pass the filter (by student name or id, and lifecycle state): the viewer's section first, then by the students' names. */
export function filterWorkspaces(filter: ClassFilter, workspaces: readonly WorkspaceInfo[], order?: SectionOrder): WorkspaceInfo[] {
  return workspaces
    .filter((w) => matchesFilter(filter, [w.studentId, w.studentName], [w.state]))
    .sort((a, b) => sectionRank(order, a.studentId) - sectionRank(order, b.studentId) || (a.studentName ?? a.studentId).localeCompare(b.studentName ?? b.studentId));
}

/** One student in an assignment's list. */
export interface StudentEntry {
  id: string;
  /** The course's name for them, or their id when the course does not list them. */
  name: string;
  states: StudentWorkState[];
}

/**
 * The students of an assignment that pass the filter (by name or id, and where
 * they stand): the course's students and anyone else who submitted, those of
 * the viewer's own sections (when they have any) first, then by name.
 */
export function filterStudents(
  filter: ClassFilter,
  members: readonly CourseMember[] | undefined,
  submissionsByStudent: ReadonlyMap<string, readonly SubmissionSummary[]>,
  mySections: readonly string[] = [],
): StudentEntry[] {
  const byId = new Map((members ?? []).map((m) => [m.personId, m]));
  const order: SectionOrder = { mySections, sectionOf: (id) => byId.get(id)?.section };
  const ids = new Set([...byId.keys(), ...submissionsByStudent.keys()]);
  return [...ids]
    .map((id) => ({ id, name: byId.get(id)?.name ?? id, states: studentWorkStates(submissionsByStudent.get(id) ?? []) }))
    .filter((s) => matchesFilter(filter, [s.id, s.name], s.states))
    .sort((a, b) => sectionRank(order, a.id) - sectionRank(order, b.id) || a.name.localeCompare(b.name));
}
