// What changed between two recorded versions of an assignment folder, from
// their manifests alone (path → content hash): the files added, modified and
// deleted, and a file's own history across versions (the versions in which its
// content differs from the version before). Plain logic: the student's picker
// and the professors' Versions rows both read it.

import type { SnapshotFile, VersionSummary } from '@classpod/protocol';

/** How one file differs from the older version. */
export type FileChange = 'added' | 'modified' | 'deleted';

/** A file that differs between two versions. */
export interface ChangedFile {
  path: string;
  change: FileChange;
  /** The file in the newer version (absent when deleted). */
  newer?: SnapshotFile;
  /** The file in the older version (absent when added). */
  older?: SnapshotFile;
}

/**
 * The files that differ from `older` to `newer`, sorted by path. Without an
 * older version (the first one recorded) every file counts as added.
 */
export function changedFiles(older: readonly SnapshotFile[] | undefined, newer: readonly SnapshotFile[]): ChangedFile[] {
  const before = new Map((older ?? []).map((f) => [f.path, f]));
  const after = new Map(newer.map((f) => [f.path, f]));
  const out: ChangedFile[] = [];
  for (const [path, n] of after) {
    const o = before.get(path);
    if (!o) out.push({ path, change: 'added', newer: n });
    else if (o.sha256 !== n.sha256 || o.mode !== n.mode) out.push({ path, change: 'modified', newer: n, older: o });
  }
  for (const [path, o] of before) if (!after.has(path)) out.push({ path, change: 'deleted', older: o });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A version with its files, as read from the hub. */
export interface VersionWithFiles {
  version: VersionSummary;
  files: readonly SnapshotFile[];
}

/** One state of a file: the version that first held this content. */
export interface FileVersion {
  version: VersionSummary;
  file: SnapshotFile;
  /** `added` when the older version lacked the file (or there is none), else `modified`. */
  change: 'added' | 'modified';
  /** True when this content is the file's content now (same sha256). */
  current: boolean;
}

/**
 * The distinct states of `path` across `versions` (newest first, as the hub
 * lists them): each version whose content of the file differs from the
 * version just older than it. A version that lacks the file is not a state of
 * it. `currentSha256`: the hash of the file as it is now (undefined: missing).
 * The oldest version listed counts as a change only when it is the folder's
 * first (`complete`), since what came before it is not known otherwise.
 */
export function fileHistory(versions: readonly VersionWithFiles[], path: string, currentSha256: string | undefined, complete = true): FileVersion[] {
  const out: FileVersion[] = [];
  for (let i = 0; i < versions.length; i++) {
    const entry = versions[i]!;
    const file = entry.files.find((f) => f.path === path);
    if (!file) continue;
    const olderEntry = versions[i + 1];
    if (!olderEntry && !complete) {
      // What came before is not listed: show it unless it is the content of the next newer state.
      if (out.at(-1)?.file.sha256 === file.sha256) continue;
      out.push({ version: entry.version, file, change: 'modified', current: file.sha256 === currentSha256 });
      continue;
    }
    const older = olderEntry?.files.find((f) => f.path === path);
    if (older && older.sha256 === file.sha256) continue;
    out.push({ version: entry.version, file, change: older ? 'modified' : 'added', current: file.sha256 === currentSha256 });
  }
  return out;
}
