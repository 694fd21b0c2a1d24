// Putting a file in place of a name, or removing one, only when the name
// still holds the very version sync decided about — so that a save landing
// while sync works on the same file is never overwritten unseen. POSIX has no
// compare-and-rename, so the name is taken in two atomic steps that a
// concurrent save cannot slip between unnoticed:
//   1. the version decided about is moved aside (rename to a temporary name),
//      and what was moved is checked to be that version (inode, size, mtime);
//      a save that replaced it just before is put back;
//   2. the new file is linked at the name, which fails when a save made the
//      name again meanwhile (link never replaces); the save then stays.
// A new file (nothing expected at the name) is linked in directly, so a file
// saved there first is kept. Either way the caller reports `changed` and the
// next cycle sees both versions (a conflict copy). Where a file system has no
// hard links, the last check is a fresh `lstat` right before the rename.

import type { Stats } from 'node:fs';
import { tempNameFor } from './atomic-file';
import type { HeldFolder } from './held-folder';

/** What identifies one version of a name without reading it (git's "stat info"). */
export interface Fingerprint {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

export function fingerprintOf(st: Stats): Fingerprint {
  return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
}

/** True when `st` is the version `fp` describes (nothing written, renamed over or chmod-ed since). */
export function sameFingerprint(st: Stats | undefined, fp: Fingerprint): boolean {
  return st !== undefined && st.ino === fp.ino && st.size === fp.size && st.mtimeMs === fp.mtimeMs && st.ctimeMs === fp.ctimeMs;
}

/** `done`: the change was made; `changed`: the name no longer held the expected version, and nothing was changed. */
export type GuardedOutcome = 'done' | 'changed';

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/** File systems without hard links answer these to link(2). */
const NO_LINKS = new Set(['EPERM', 'EOPNOTSUPP', 'ENOTSUP', 'ENOSYS', 'EMLINK']);

/**
 * Move `name` aside when it still is `expected`; answers the temporary name
 * it now has, or undefined when it was not the expected version (then it is
 * where it was, unless a newer save already stands at the name).
 */
async function moveAside(folder: HeldFolder, name: string, expected: Fingerprint): Promise<string | undefined> {
  if (!sameFingerprint(await folder.lstat(name), expected)) return undefined;
  const aside = tempNameFor(name);
  try {
    await folder.rename(name, folder, aside);
  } catch (err) {
    if (code(err) === 'ENOENT') return undefined;
    throw err;
  }
  const moved = await folder.lstat(aside);
  // The rename itself changes ctime; inode, size and mtime still name the version.
  if (moved && moved.ino === expected.ino && moved.size === expected.size && moved.mtimeMs === expected.mtimeMs) return aside;
  // A save slipped in between the check and the move: put it back (unless an even newer one stands there).
  await folder.link(aside, folder, name).catch(() => undefined);
  await folder.unlink(aside).catch(() => undefined);
  return undefined;
}

/**
 * Put the prepared file `temp` (in `folder`) at `name` when `name` holds
 * `expected` (null: nothing). `temp` is left for the caller when the outcome
 * is `changed`, removed when `done`.
 */
export async function placeGuarded(folder: HeldFolder, temp: string, name: string, expected: Fingerprint | null): Promise<GuardedOutcome> {
  const aside = expected ? await moveAside(folder, name, expected) : undefined;
  if (expected && !aside) return 'changed';
  try {
    try {
      await folder.link(temp, folder, name);
    } catch (err) {
      if (code(err) === 'EEXIST') {
        // A save made the name again after the move: it stays, and the version moved aside was replaced by it.
        return 'changed';
      }
      if (!NO_LINKS.has(code(err) ?? '')) throw err;
      if (aside === undefined && (await folder.lstat(name))) return 'changed';
      await folder.rename(temp, folder, name);
      return 'done';
    }
    await folder.unlink(temp).catch(() => undefined);
    return 'done';
  } catch (err) {
    if (aside) await folder.link(aside, folder, name).catch(() => undefined);
    throw err;
  } finally {
    if (aside) await folder.unlink(aside).catch(() => undefined);
  }
}

/** Remove `name` when it still is `expected`. */
export async function removeGuarded(folder: HeldFolder, name: string, expected: Fingerprint): Promise<GuardedOutcome> {
  const aside = await moveAside(folder, name, expected);
  if (!aside) return 'changed';
  await folder.unlink(aside);
  return 'done';
}
