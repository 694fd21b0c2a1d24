// The common ancestor of a sync pair, persisted: what both sides held after
// the last successful sync. Written atomically (temporary file, fsync,
// rename), so a kill at any moment leaves the previous or the new ancestor.
//
// Beside it, the paths in doubt: before a cycle changes anything, it records
// which paths it is about to change; once both sides' answers are in and the
// new ancestor is saved, the record is removed. A path still named there
// after a kill (or a lost answer) is not known to hold what the ancestor
// says on both sides, so it is read as changed on both: the conflict rules
// then keep every version (a deletion loses to a restore, two contents keep
// a copy), and a restore of earlier bytes is never mistaken for "unchanged".

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isTempName, readJsonFile, writeFileAtomic } from './atomic-file';
import { manifestFromEntries, manifestToEntries, type Manifest } from './manifest';
import type { SyncEntry } from '@classpod/protocol';

/** File name of the ancestor inside a session's state folder. */
export const ANCESTOR_FILE = 'ancestor.json';

/** File name of the paths in doubt inside a session's state folder. */
export const IN_DOUBT_FILE = 'in-doubt.json';

interface AncestorFile {
  version: 1;
  /** The pair this ancestor belongs to; another pair's ancestor is never used. */
  pair: { localRoot: string; remoteRoot: string };
  savedAt: string;
  entries: SyncEntry[];
}

/** Load the ancestor of this pair; empty when none was saved (or it belongs to another pair). */
export async function loadAncestor(stateDir: string, pair: AncestorFile['pair']): Promise<Manifest> {
  const value = (await readJsonFile(path.join(stateDir, ANCESTOR_FILE))) as Partial<AncestorFile> | undefined;
  if (!value || value.version !== 1 || !Array.isArray(value.entries)) return new Map();
  if (value.pair?.localRoot !== pair.localRoot || value.pair?.remoteRoot !== pair.remoteRoot) return new Map();
  const ancestor = manifestFromEntries(value.entries);
  for (const p of await loadInDoubt(stateDir, pair)) ancestor.delete(p);
  return ancestor;
}

async function loadInDoubt(stateDir: string, pair: AncestorFile['pair']): Promise<string[]> {
  const value = (await readJsonFile(path.join(stateDir, IN_DOUBT_FILE))) as { pair?: AncestorFile['pair']; paths?: unknown } | undefined;
  if (!value || !Array.isArray(value.paths)) return [];
  if (value.pair?.localRoot !== pair.localRoot || value.pair?.remoteRoot !== pair.remoteRoot) return [];
  return value.paths.filter((p): p is string => typeof p === 'string');
}

/** Record, durably, the paths a cycle is about to change (see the header). */
export async function saveInDoubt(stateDir: string, pair: AncestorFile['pair'], paths: readonly string[]): Promise<void> {
  await writeFileAtomic(path.join(stateDir, IN_DOUBT_FILE), JSON.stringify({ version: 1, pair, paths }));
}

/** The cycle's answers are in and its ancestor saved: nothing is in doubt any more. */
export async function clearInDoubt(stateDir: string): Promise<void> {
  await fs.rm(path.join(stateDir, IN_DOUBT_FILE), { force: true });
}

/** Remove temporary files a killed process left in the state folder (the session owns it alone). */
export async function sweepStateFolder(stateDir: string): Promise<void> {
  const names = await fs.readdir(stateDir).catch(() => [] as string[]);
  await Promise.all(names.filter(isTempName).map((n) => fs.rm(path.join(stateDir, n), { force: true })));
}

/** Save the ancestor atomically. */
export async function saveAncestor(stateDir: string, pair: AncestorFile['pair'], ancestor: Manifest): Promise<void> {
  const file: AncestorFile = { version: 1, pair, savedAt: new Date().toISOString(), entries: manifestToEntries(ancestor) };
  await writeFileAtomic(path.join(stateDir, ANCESTOR_FILE), JSON.stringify(file));
}
