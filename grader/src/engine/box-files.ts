// Moving files in and out of boxes safely: names are checked to stay inside
// the box, and only regular files and folders are copied out of a box (a
// program could leave symbolic links behind to trick the grader).

import { cp, lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/** The host path of `rel` inside `root`, or null when `rel` would leave it. */
export function insideBox(root: string, rel: string): string | null {
  if (rel.includes('\0') || path.isAbsolute(rel)) return null;
  const full = path.resolve(root, rel);
  const back = path.relative(root, full);
  return back === '' || back.startsWith('..') || path.isAbsolute(back) ? null : full;
}

/** Write files into a box. */
export async function writeBoxFiles(root: string, files: Iterable<[string, string | Uint8Array]>): Promise<void> {
  for (const [rel, content] of files) {
    const full = insideBox(root, rel);
    if (!full) throw new Error(`file name ${rel} leaves the box`);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, content);
  }
}

/** Read a file a program left in its box; null when missing, not a regular file, or over `maxBytes`. */
export async function readBoxFile(root: string, rel: string, maxBytes: number): Promise<Buffer | null> {
  const full = insideBox(root, rel);
  if (!full) return null;
  // Every component must be a real folder: a link could point out of the box.
  let at = root;
  for (const part of path.relative(root, full).split(path.sep)) {
    at = path.join(at, part);
    const st = await lstat(at).catch(() => null);
    if (!st || st.isSymbolicLink()) return null;
    if (at === full && (!st.isFile() || st.size > maxBytes)) return null;
  }
  return readFile(full);
}

/** Copy regular files and folders from `from` into `to` (links and devices are skipped). */
export async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from)) {
    const src = path.join(from, entry);
    const dst = path.join(to, entry);
    const st = await lstat(src);
    if (st.isDirectory()) await copyTree(src, dst);
    else if (st.isFile()) await cp(src, dst, { preserveTimestamps: false, mode: 0 });
  }
}
