// Names of conflict copies: `NAME.conflict-<side>-<time>.EXT`, beside the
// original, so a person sees both versions next to each other and resolves the
// conflict by deleting the copy (or by moving its content into the file).

import * as path from 'node:path';

/** Which side's version a conflict copy holds. */
export type ConflictSide = 'local' | 'workspace';

/** UTC time as `YYYYMMDD-HHMMSS`. */
export function conflictTimestamp(at: Date): string {
  const iso = at.toISOString(); // 2026-11-24T18:15:09.123Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/** Split a base name into stem and extension (`.bashrc` and `Makefile` have no extension). */
function splitName(base: string): { stem: string; ext: string } {
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return { stem: base, ext: '' };
  return { stem: base.slice(0, dot), ext: base.slice(dot) };
}

/** `src/main.c` → `src/main.conflict-workspace-20261124-181509.c` (with `-2`, `-3`… when `taken` says the name is used). */
export function conflictCopyPath(original: string, side: ConflictSide, at: Date, taken: (p: string) => boolean): string {
  const dir = path.posix.dirname(original);
  const { stem, ext } = splitName(path.posix.basename(original));
  const prefix = dir === '.' ? '' : `${dir}/`;
  const base = `${prefix}${stem}.conflict-${side}-${conflictTimestamp(at)}`;
  let candidate = `${base}${ext}`;
  for (let n = 2; taken(candidate); n++) candidate = `${base}-${n}${ext}`;
  return candidate;
}

/** True when `candidate` is a conflict copy of `original` made for `side` (at any time). */
export function isConflictCopyOf(candidate: string, original: string, side: ConflictSide): boolean {
  const dir = path.posix.dirname(original);
  if (path.posix.dirname(candidate) !== dir) return false;
  const { stem, ext } = splitName(path.posix.basename(original));
  const name = path.posix.basename(candidate);
  const head = `${stem}.conflict-${side}-`;
  if (!name.startsWith(head) || !name.endsWith(ext)) return false;
  const middle = name.slice(head.length, name.length - ext.length);
  return /^\d{8}-\d{6}(-\d+)?$/.test(middle);
}

/** True when a path's base name looks like any conflict copy. */
export function looksLikeConflictCopy(p: string): boolean {
  return /\.conflict-(local|workspace)-\d{8}-\d{6}(-\d+)?(\.[^./]*)?$/.test(path.posix.basename(p));
}
