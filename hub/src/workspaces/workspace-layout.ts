// The `.classpod/` layout of a student's workspace (docs/contracts.md): the
// course file, and per open assignment its public description and tests;
// starter files the first time an assignment folder appears. Student files are
// never overwritten; hidden tests are never written.

import type { BlobStore } from '../blobs/blob-store';
import type { Assignment, Course, Extension } from '../store/records';
import { effectiveDeadline } from '../deadlines/late-policy';
import type { WorkspaceFile, WorkspaceFileAccess, WorkspaceKey } from './workspace-provider';

/** `.classpod/course.json`. */
export function courseJson(course: Course, studentId: string, hubUrl: string | undefined): WorkspaceFile {
  const body = { courseId: course.id, title: course.title, studentId, ...(hubUrl ? { hubUrl } : {}) };
  return { path: '.classpod/course.json', content: Buffer.from(JSON.stringify(body, null, 2) + '\n'), mode: 0o644 };
}

/** `<slug>/.classpod/assignment.json` for one student (their own due time). */
export function assignmentJson(a: Assignment, ext: Extension | undefined): WorkspaceFile {
  const d = effectiveDeadline(a, ext);
  const body = {
    id: a.id,
    slug: a.id,
    title: a.title,
    courseId: a.courseId,
    ...(a.opensAt ? { opensAt: a.opensAt } : {}),
    ...(d.dueAt ? { dueAt: d.dueAt.toISOString() } : {}),
    ...(d.cutoffAt ? { cutoffAt: d.cutoffAt.toISOString() } : {}),
  };
  return { path: `${a.id}/.classpod/assignment.json`, content: Buffer.from(JSON.stringify(body, null, 2) + '\n'), mode: 0o644 };
}

/** Every file of one assignment a student receives (starter files included), relative to the workspace root. */
export async function assignmentFiles(blobs: BlobStore, a: Assignment, ext: Extension | undefined, withStarter: boolean): Promise<WorkspaceFile[]> {
  const files: WorkspaceFile[] = [assignmentJson(a, ext)];
  for (const f of await blobs.readFolder(a.publicFilesManifest)) files.push({ ...f, path: `${a.id}/.classpod/${f.path}` });
  if (withStarter) for (const f of await blobs.readFolder(a.starterManifest)) files.push({ ...f, path: `${a.id}/${f.path}` });
  return files;
}

/** Bring a workspace's `.classpod/` files up to date; starter files only into new assignment folders. */
export async function writeWorkspaceLayout(
  access: WorkspaceFileAccess,
  blobs: BlobStore,
  key: WorkspaceKey,
  course: Course,
  openAssignments: Array<{ assignment: Assignment; extension?: Extension }>,
  hubUrl: string | undefined,
): Promise<void> {
  const files: WorkspaceFile[] = [courseJson(course, key.studentId, hubUrl)];
  for (const { assignment, extension } of openAssignments) {
    const isNew = !(await access.exists(key, assignment.id));
    files.push(...(await assignmentFiles(blobs, assignment, extension, isNew)));
  }
  await access.write(key, files);
}
