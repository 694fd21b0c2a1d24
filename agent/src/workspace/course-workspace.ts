// Reads a workspace as the hub lays it out (docs/contracts.md): the course in
// `.classpod/course.json` and one folder per assignment, each with
// `.classpod/assignment.json` and its public tests. Used by the `classpod`
// command; read-only.

import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';

/** `.classpod/course.json`. */
export interface CourseInfo {
  courseId: string;
  title: string;
  studentId?: string;
  hubUrl?: string;
}

/** `<slug>/.classpod/assignment.json`, plus where it is. */
export interface AssignmentInfo {
  id: string;
  slug: string;
  title: string;
  courseId?: string;
  opensAt?: string;
  dueAt?: string;
  cutoffAt?: string;
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
    if (existsSync(path.join(dir, '.classpod', 'course.json'))) return dir;
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

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The course, if the workspace names one. */
export function readCourse(root: string): CourseInfo | undefined {
  const raw = readJson(path.join(root, '.classpod', 'course.json')) as Record<string, unknown> | undefined;
  if (!raw || typeof raw !== 'object') return undefined;
  return {
    courseId: str(raw.courseId) ?? '?',
    title: str(raw.title) ?? str(raw.courseId) ?? 'course',
    ...(str(raw.studentId) ? { studentId: str(raw.studentId)! } : {}),
    ...(str(raw.hubUrl) ? { hubUrl: str(raw.hubUrl)! } : {}),
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
    const raw = readJson(path.join(dir, '.classpod', 'assignment.json')) as Record<string, unknown> | undefined;
    if (!raw || typeof raw !== 'object') continue;
    const publicTests = countTests(readJson(path.join(dir, '.classpod', 'tests', 'spec.json')));
    found.push({
      id: str(raw.id) ?? e.name,
      slug: str(raw.slug) ?? e.name,
      title: str(raw.title) ?? e.name,
      ...(str(raw.courseId) ? { courseId: str(raw.courseId)! } : {}),
      ...(str(raw.opensAt) ? { opensAt: str(raw.opensAt)! } : {}),
      ...(str(raw.dueAt) ? { dueAt: str(raw.dueAt)! } : {}),
      ...(str(raw.cutoffAt) ? { cutoffAt: str(raw.cutoffAt)! } : {}),
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
