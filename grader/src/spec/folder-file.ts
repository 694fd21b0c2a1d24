// Reading a file that a specification names, from the specification's own
// folder, as the one boundary every such read goes through: the name must stay
// inside the folder, no component of it may be a symbolic link (a link
// `tests/leak.out -> /etc/shadow` would make a host file a public expected
// output), and the size is checked on the opened file before a byte is read.
// Problems are values that name the file as the teacher wrote it.

import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import * as path from 'node:path';
import { formatBytes } from '@classpod/protocol';

/** A file read from a folder, or why it was refused. */
export type FolderFileRead = { ok: true; content: Buffer } | { ok: false; problem: string };

/**
 * Read `rel` (forward or platform slashes) inside `baseDir`, refusing names that
 * leave it, symbolic links anywhere below `baseDir`, anything but a regular
 * file, and files over `maxBytes` (checked before reading).
 */
export function readFolderFile(baseDir: string, rel: string, maxBytes: number): FolderFileRead {
  const root = path.resolve(baseDir);
  const full = path.resolve(root, rel);
  const inside = path.relative(root, full);
  if (rel.includes('\0') || inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) {
    return { ok: false, problem: `file ${rel} is outside the specification's folder` };
  }
  // Every component below the folder must be what it says: a folder, then a file.
  const parts = inside.split(path.sep);
  let at = root;
  for (const [i, part] of parts.entries()) {
    at = path.join(at, part);
    const shown = parts.slice(0, i + 1).join('/');
    let st;
    try {
      st = lstatSync(at);
    } catch {
      return { ok: false, problem: `file ${rel} not found` };
    }
    if (st.isSymbolicLink()) {
      return { ok: false, problem: `${shown} is a symbolic link; links are refused in a specification's folder` };
    }
    if (i < parts.length - 1 && !st.isDirectory()) return { ok: false, problem: `file ${rel} not found` };
  }
  let fd: number;
  try {
    // O_NOFOLLOW: a link swapped in after the check is refused by the kernel.
    fd = openSync(full, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { ok: false, problem: `${rel} is a symbolic link; links are refused in a specification's folder` };
    return { ok: false, problem: `file ${rel} cannot be read (${code ?? 'error'})` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, problem: `${rel} is not a file` };
    if (st.size > maxBytes) return { ok: false, problem: `${rel} is ${formatBytes(st.size)}; files a specification names may hold at most ${formatBytes(maxBytes)}` };
    const content = Buffer.alloc(st.size);
    let done = 0;
    while (done < st.size) {
      const n = readSync(fd, content, done, st.size - done, done);
      if (n === 0) break;
      done += n;
    }
    return { ok: true, content: content.subarray(0, done) };
  } finally {
    closeSync(fd);
  }
}
