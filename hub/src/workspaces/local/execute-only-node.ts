// An execute-only copy of the node binary (mode 0111) for sandboxed agents.
// The kernel marks a process non-dumpable when it executes a file it may not
// read: its /proc/PID/{mem,environ,fd,maps} and ptrace are then refused to
// every process of the same uid that lacks CAP_SYS_PTRACE, the shells of its
// own workspace included. A bind mount would keep the original's readable
// mode, so this is a copy, refreshed when node changes.

import { constants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { AtomicFile, HeldFolder } from '@classpod/sync';

/** Mode of the copy: execute for everyone, read and write for nobody. */
export const EXECUTE_ONLY = 0o111;

/** Whether `copy` is an execute-only copy of `source` made by this module (same size and modification time). */
async function upToDate(source: string, copy: string): Promise<boolean> {
  const [s, c] = await Promise.all([fs.stat(source), fs.lstat(copy).catch(() => undefined)]);
  return c !== undefined && c.isFile() && c.size === s.size && Math.trunc(c.mtimeMs) === Math.trunc(s.mtimeMs) && (c.mode & 0o7777) === EXECUTE_ONLY;
}

/**
 * Make (or reuse) `<dir>/node`, an execute-only copy of `source` (default:
 * this process's node); resolves to its path. Written with the packages' one
 * atomic writer, so a start that is killed leaves only a temporary file sync
 * and every listing know by its marker.
 */
export async function ensureExecuteOnlyNode(dir: string, source = process.execPath): Promise<string> {
  const target = join(dir, 'node');
  if (await upToDate(source, target)) return target;
  const from = await fs.open(source, constants.O_RDONLY);
  try {
    const st = await from.stat();
    const folder = await HeldFolder.open(dir);
    const copy = await AtomicFile.create(folder, 'node', EXECUTE_ONLY, () => folder.close());
    try {
      await copy.copyFrom(from);
      await copy.setTimes(st.atime, st.mtime);
    } catch (err) {
      await copy.abort();
      throw err;
    }
    await copy.commit({ fsync: false });
  } finally {
    await from.close();
  }
  return target;
}
