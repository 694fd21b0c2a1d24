// Local assignment folders: where a new one goes, how to recognise one (its
// `.classpod/assignment.json`), writing the starter files into it without
// ever overwriting the student's own work, and where its sync state lives.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ASSIGNMENT_FILE_PATH, readAssignmentFile, type AssignmentFile, type FolderFile } from '@classpod/protocol';

export const ASSIGNMENT_MARKER = ASSIGNMENT_FILE_PATH;

/** What `.classpod/assignment.json` says (protocol's AssignmentFile): its id and course always, the rest when they check. */
export type AssignmentMarker = Pick<AssignmentFile, 'id' | 'courseId'> & Partial<AssignmentFile>;

/** `<root>/<courseId>/<assignmentId>`, where root is the setting or `~/Classpod`. */
export function defaultAssignmentFolder(localRootSetting: string, courseId: string, assignmentId: string, home = os.homedir()): string {
  const setting = localRootSetting.trim();
  const root = setting ? (setting.startsWith('~') ? path.join(home, setting.slice(1)) : path.resolve(setting)) : path.join(home, 'Classpod');
  return path.join(root, courseId, assignmentId);
}

/** The marker of `folder`, or undefined when it is not an assignment folder. */
export async function readAssignmentMarker(folder: string): Promise<AssignmentMarker | undefined> {
  try {
    const value = readAssignmentFile(JSON.parse(await fs.readFile(path.join(folder, ASSIGNMENT_MARKER), 'utf8')));
    if (value?.id === undefined || value.courseId === undefined) return undefined;
    return { ...value, id: value.id, courseId: value.courseId };
  } catch {
    return undefined;
  }
}

/** Assignment folders among `folders` and their direct sub-folders. */
export async function findAssignmentFolders(folders: readonly string[]): Promise<Array<{ folder: string; marker: AssignmentMarker }>> {
  const found: Array<{ folder: string; marker: AssignmentMarker }> = [];
  for (const folder of folders) {
    const marker = await readAssignmentMarker(folder);
    if (marker) {
      found.push({ folder, marker });
      continue;
    }
    let entries;
    try {
      entries = await fs.readdir(folder, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue;
      const sub = path.join(folder, e.name);
      const m = await readAssignmentMarker(sub);
      if (m) found.push({ folder: sub, marker: m });
    }
  }
  return found;
}

/** Why a starter path cannot be written, or undefined when it is safe. */
export function unsafeStarterPath(p: string): string | undefined {
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.includes('\\')) return 'is not a relative path';
  if (p.split('/').some((s) => s === '..' || s === '' || s === '.')) return 'leaves the assignment folder';
  return undefined;
}

/**
 * Write the starter files that do not exist yet; never overwrites. Returns
 * the paths written and the ones kept because the student already has them.
 */
export async function writeStarterFiles(folder: string, files: readonly FolderFile[]): Promise<{ written: string[]; kept: string[] }> {
  const written: string[] = [];
  const kept: string[] = [];
  for (const f of files) {
    const why = unsafeStarterPath(f.path);
    if (why) throw new Error(`starter file \`${f.path}\` ${why}`);
    const target = path.join(folder, ...f.path.split('/'));
    await fs.mkdir(path.dirname(target), { recursive: true });
    try {
      await fs.writeFile(target, Buffer.from(f.contentBase64, 'base64'), { flag: 'wx', mode: f.mode ?? 0o644 });
      written.push(f.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      kept.push(f.path);
    }
  }
  return { written, kept };
}

/** Sync state folder for a local folder: one per folder, under the extension's storage. */
export function syncStateDir(storageRoot: string, folder: string): string {
  const id = createHash('sha256').update(path.resolve(folder)).digest('hex').slice(0, 16);
  return path.join(storageRoot, 'sync', `${path.basename(folder)}-${id}`);
}
