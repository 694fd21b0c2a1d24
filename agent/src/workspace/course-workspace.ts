// Reads a workspace as the hub lays it out (docs/contracts.md): the course in
// `.classpod/course.json` and one folder per assignment, each with
// `.classpod/assignment.json` and its public tests. Used by the `classpod`
// command; read-only.

import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { ASSIGNMENT_FILE_PATH, COURSE_FILE_PATH, readAssignmentFile, readCourseFile, type AssignmentFile, type CourseFile } from '@classpod/protocol';

/** `.classpod/course.json` (missing fields filled in). */
export type CourseInfo = CourseFile;

/** `<slug>/.classpod/assignment.json` (missing fields filled in from the folder), plus where it is. */
export interface AssignmentInfo extends Omit<AssignmentFile, 'courseId'> {
  courseId?: string;
  /** Absolute path of the assignment's folder. */
  dir: string;
  /** Number of public test cases in `.classpod/tests/spec.json`, if it could be read. */
  publicTests?: number;
}

/** A problem reading the workspace that a person can fix. */
export class WorkspaceError extends Error {
  override readonly name = 'WorkspaceError';
}

/** The workspace root: $CLASSPOD_WORKSPACE, else the nearest folder above `from` holding `.classpod/course.json`. */
export function findWorkspaceRoot(from: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLASSPOD_WORKSPACE) return path.resolve(env.CLASSPOD_WORKSPACE);
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, COURSE_FILE_PATH))) return dir;
    const up = path.dirname(dir);
    if (up === dir) {
      throw new WorkspaceError('not inside a Classpod workspace (no .classpod/course.json here or above, and CLASSPOD_WORKSPACE is not set)');
    }
    dir = up;
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WorkspaceError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/** The course, if the workspace names one. */
export function readCourse(root: string): CourseInfo | undefined {
  const raw = readCourseFile(readJson(path.join(root, COURSE_FILE_PATH)));
  if (!raw) return undefined;
  return {
    courseId: raw.courseId ?? '?',
    title: raw.title ?? raw.courseId ?? 'course',
    ...(raw.studentId ? { studentId: raw.studentId } : {}),
    ...(raw.hubUrl ? { hubUrl: raw.hubUrl } : {}),
  };
}

function countTests(spec: unknown): number | undefined {
  if (!spec || typeof spec !== 'object') return undefined;
  const s = spec as { tests?: unknown; groups?: unknown };
  if (Array.isArray(s.tests)) return s.tests.length;
  if (Array.isArray(s.groups)) {
    return s.groups.reduce((n: number, g: unknown) => n + (Array.isArray((g as { tests?: unknown }).tests) ? ((g as { tests: unknown[] }).tests.length) : 0), 0);
  }
  return undefined;
}

/** The assignments in the workspace, in the order `classpod list` numbers them: by due date, then slug. */
export async function listAssignments(root: string): Promise<AssignmentInfo[]> {
  const entries = await fs.readdir(root, { withFileTypes: true }).catch((err: unknown) => {
    throw new WorkspaceError(`cannot read the workspace ${root}: ${(err as Error).message}`);
  });
  const found: AssignmentInfo[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const dir = path.join(root, e.name);
    const raw = readAssignmentFile(readJson(path.join(dir, ASSIGNMENT_FILE_PATH)));
    if (!raw) continue;
    const publicTests = countTests(readJson(path.join(dir, '.classpod', 'tests', 'spec.json')));
    found.push({
      id: raw.id ?? e.name,
      slug: raw.slug ?? e.name,
      title: raw.title ?? e.name,
      ...(raw.courseId ? { courseId: raw.courseId } : {}),
      ...(raw.opensAt ? { opensAt: raw.opensAt } : {}),
      ...(raw.dueAt ? { dueAt: raw.dueAt } : {}),
      ...(raw.cutoffAt ? { cutoffAt: raw.cutoffAt } : {}),
      ...(publicTests !== undefined ? { publicTests } : {}),
      dir,
    });
  }
  const due = (a: AssignmentInfo): number => (a.dueAt ? Date.parse(a.dueAt) : Number.POSITIVE_INFINITY);
  return found.sort((a, b) => due(a) - due(b) || a.slug.localeCompare(b.slug));
}

/** Where an assignment stands at `now`, in words. */
export function deadlineState(a: AssignmentInfo, now: Date): string {
  const t = now.getTime();
  if (a.opensAt && t < Date.parse(a.opensAt)) return `opens in ${span(Date.parse(a.opensAt) - t)}`;
  if (!a.dueAt) return 'no deadline';
  const due = Date.parse(a.dueAt);
  if (t < due) return `due in ${span(due - t)}`;
  if (a.cutoffAt && t < Date.parse(a.cutoffAt)) return `past due; late submissions until ${a.cutoffAt}`;
  return 'closed';
}

function span(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes % 60}m`;
  return `${Math.max(1, minutes)}m`;
}
