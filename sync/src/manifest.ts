// A manifest is what a tree holds: relative POSIX path → entry (kind, content
// hash, size, executable bit, link target). Manifests are compared, never
// diffed line by line: two entries are equal when a user would call the two
// paths "the same" (same kind, same content, same executable bit, same target).

import type { SyncEntry, SyncEntryState } from '@classpod/protocol';

/** What one path holds (the wire's `SyncEntryState`). */
export type Entry = SyncEntryState;

/** Path → entry. Paths are relative, POSIX-separated, without a leading `./`. */
export type Manifest = Map<string, Entry>;

/** True when both are absent, or both hold the same thing. */
export function sameEntry(a: Entry | null | undefined, b: Entry | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'dir':
      return true;
    case 'symlink':
      return a.target === b.target;
    case 'file':
      return a.hash === b.hash && Boolean(a.executable) === Boolean(b.executable);
  }
}

/** A manifest from the wire's list form. */
export function manifestFromEntries(entries: readonly SyncEntry[]): Manifest {
  const m: Manifest = new Map();
  for (const { path, ...entry } of entries) m.set(path, entry);
  return m;
}

/** The wire's list form of a manifest, sorted by path. */
export function manifestToEntries(manifest: Manifest): SyncEntry[] {
  return [...manifest.keys()].sort().map((path) => ({ path, ...manifest.get(path)! }));
}

/** `a/b/c` → `a/b`; top-level paths → undefined. */
export function parentPath(path: string): string | undefined {
  const i = path.lastIndexOf('/');
  return i < 0 ? undefined : path.slice(0, i);
}

/** Number of segments: `a` is 1, `a/b` is 2. */
export function pathDepth(path: string): number {
  let n = 1;
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) === 47) n++;
  return n;
}

/** True when `path` is `dir` or lies under it. */
export function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir + '/');
}

/**
 * Check a relative path from the other side before touching the disk: no
 * absolute paths, no `..` or `.` segments, no empty segments, no NUL bytes.
 * Returns a reason when it is not acceptable.
 */
export function unsafePathReason(path: string): string | undefined {
  if (path.length === 0) return 'the path is empty';
  if (path.includes('\0')) return 'the path contains a NUL byte';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\')) return 'the path is not a relative POSIX path';
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') return `the path has a "${seg}" segment`;
  }
  return undefined;
}
