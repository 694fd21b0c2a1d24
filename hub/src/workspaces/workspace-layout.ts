// The `.classpod/` layout of a student's workspace (docs/contracts.md): the
// course file, and per open assignment its public description and tests;
// starter files the first time an assignment folder appears. Student files are
// never overwritten; hidden tests are never written. Written through the
// workspace's agent (agent-file-access.ts), like every workspace file.

import { ASSIGNMENT_FILE_PATH, COURSE_FILE_PATH, ErrorCode, errors, ProtocolError, type AssignmentFile, type CourseFile } from '@classpod/protocol';
import type { BlobStore } from '../blobs/blob-store';
import type { Assignment, Course, Extension } from '../store/records';
import { effectiveDeadline } from '../deadlines/late-policy';
import type { WorkspaceFile, WorkspaceFiles } from './agent-file-access';

/** `.classpod/course.json`. */
export function courseJson(course: Course, studentId: string, hubUrl: string | undefined): WorkspaceFile {
  const body: CourseFile = { courseId: course.id, title: course.title, studentId, ...(hubUrl ? { hubUrl } : {}) };
  return { path: COURSE_FILE_PATH, content: Buffer.from(JSON.stringify(body, null, 2) + '\n'), mode: 0o644 };
}

/** `<slug>/.classpod/assignment.json` for one student (their own due time). */
export function assignmentJson(a: Assignment, ext: Extension | undefined): WorkspaceFile {
  const d = effectiveDeadline(a, ext);
  const body: AssignmentFile = {
    id: a.id,
    slug: a.id,
    title: a.title,
    courseId: a.courseId,
    ...(a.opensAt ? { opensAt: a.opensAt } : {}),
    ...(d.dueAt ? { dueAt: d.dueAt.toISOString() } : {}),
    ...(d.cutoffAt ? { cutoffAt: d.cutoffAt.toISOString() } : {}),
  };
  return { path: `${a.id}/${ASSIGNMENT_FILE_PATH}`, content: Buffer.from(JSON.stringify(body, null, 2) + '\n'), mode: 0o644 };
}

/** Every file of one assignment a student receives (starter files included), relative to the workspace root. */
export async function assignmentFiles(blobs: BlobStore, a: Assignment, ext: Extension | undefined, withStarter: boolean): Promise<WorkspaceFile[]> {
  const files: WorkspaceFile[] = [assignmentJson(a, ext)];
  for (const f of await blobs.readFolder(a.publicFilesManifest)) files.push({ ...f, path: `${a.id}/.classpod/${f.path}` });
  if (withStarter) for (const f of await blobs.readFolder(a.starterManifest)) files.push({ ...f, path: `${a.id}/${f.path}` });
  return files;
}

/** An answer of the agent refusing a request (not a lost connection): retrying the same will not help. */
function refused(err: unknown): err is ProtocolError {
  return err instanceof ProtocolError && err.code !== ErrorCode.Unavailable;
}

/** The hub-owned folder a path lies in: its prefix up to the first `.classpod` segment, if any. */
function hubOwnedRoot(path: string): string | undefined {
  const parts = path.split('/');
  const i = parts.indexOf('.classpod');
  return i < 0 ? undefined : parts.slice(0, i + 1).join('/');
}

/**
 * Clear what stands in the way of a hub-owned file: below its `.classpod`
 * folder, the first entry that is not what the path needs (a folder on the
 * way, a file at the end) or that the agent refuses to go through (a link out
 * of the workspace) is removed. Resolves to whether anything was removed.
 */
async function clearWay(workspace: WorkspaceFiles, path: string): Promise<boolean> {
  const root = hubOwnedRoot(path);
  if (!root) return false;
  const parts = path.split('/');
  for (let n = root.split('/').length; n <= parts.length; n++) {
    const at = parts.slice(0, n).join('/');
    let type;
    try {
      type = await workspace.typeOf(at);
    } catch (err) {
      if (!refused(err)) throw err;
      type = 'symlink' as const;
    }
    if (type === undefined) return false;
    if (type !== (n === parts.length ? 'file' : 'directory')) {
      await workspace.remove(at);
      return true;
    }
  }
  return false;
}

/**
 * Write files one by one. A hub-owned file (under a `.classpod` folder) that
 * the agent refuses to write because of what the student put in its way (a
 * link, a folder) is written again once that is cleared; a student's own file
 * is never cleared. Throws at the end, naming what could not be written.
 */
export async function writeFilesOwning(workspace: WorkspaceFiles, files: WorkspaceFile[]): Promise<void> {
  const failed: string[] = [];
  for (const f of files) {
    try {
      await workspace.write([f]);
      continue;
    } catch (err) {
      if (!refused(err)) throw err;
      if (!(await clearWay(workspace, f.path).catch(() => false))) {
        failed.push(`${f.path} (${err.message})`);
        continue;
      }
    }
    try {
      await workspace.write([f]);
    } catch (err) {
      if (!refused(err)) throw err;
      failed.push(`${f.path} (${err.message})`);
    }
  }
  if (failed.length > 0) throw errors.conflict(`${failed.length} of ${files.length} workspace files not written: ${failed.join('; ')}`.slice(0, 2000));
}

/** Whether an assignment folder is new (missing); one the agent refuses to look into is not new (no starter files go there). */
async function isNewFolder(workspace: WorkspaceFiles, folder: string): Promise<boolean> {
  try {
    return !(await workspace.exists(folder));
  } catch (err) {
    if (!refused(err)) throw err;
    return false;
  }
}

/** Bring a workspace's `.classpod/` files up to date; starter files only into new assignment folders. */
export async function writeWorkspaceLayout(
  workspace: WorkspaceFiles,
  blobs: BlobStore,
  studentId: string,
  course: Course,
  openAssignments: Array<{ assignment: Assignment; extension?: Extension }>,
  hubUrl: string | undefined,
): Promise<void> {
  const files: WorkspaceFile[] = [courseJson(course, studentId, hubUrl)];
  for (const { assignment, extension } of openAssignments) {
    files.push(...(await assignmentFiles(blobs, assignment, extension, await isNewFolder(workspace, assignment.id))));
  }
  await writeFilesOwning(workspace, files);
}
