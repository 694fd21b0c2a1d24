// The common ancestor of a sync pair, persisted: what both sides held after
// the last successful sync. Written atomically (temporary file, fsync,
// rename), so a kill at any moment leaves the previous or the new ancestor.

import * as path from 'node:path';
import { readJsonFile, writeFileAtomic } from './atomic-file';
import { manifestFromEntries, manifestToEntries, type Manifest } from './manifest';
import type { SyncEntry } from '@classpod/protocol';

/** File name of the ancestor inside a session's state folder. */
export const ANCESTOR_FILE = 'ancestor.json';

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
  return manifestFromEntries(value.entries);
}

/** Save the ancestor atomically. */
export async function saveAncestor(stateDir: string, pair: AncestorFile['pair'], ancestor: Manifest): Promise<void> {
  const file: AncestorFile = { version: 1, pair, savedAt: new Date().toISOString(), entries: manifestToEntries(ancestor) };
  await writeFileAtomic(path.join(stateDir, ANCESTOR_FILE), JSON.stringify(file));
}
