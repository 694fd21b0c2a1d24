// Scans a tree into a manifest. Content is hashed with SHA-256 (hardware
// accelerated in Node's OpenSSL on current CPUs, and the same hash every
// other Classpod component uses for content addresses). A scan cache keyed by
// size, modification time and inode means a rescan only rehashes files that
// changed. The rule is git's: a record is trusted only while size, inode,
// mtime and ctime (which no program can set back) are all unchanged, and
// only when both times lie clearly before the moment the record was made
// ("racy" records are rehashed), because coarse file-system clocks can give
// two quick saves of the same size the same time stamp. A file rewritten to
// earlier bytes, with its mtime put back, or within one clock tick, is
// therefore still read again.
//
// A full walk also sweeps temporary files (`.NAME.classpod-tmp-…`) left by a
// process that was killed between writing one and renaming it: those older
// than this process (by mtime) are removed; newer ones may belong to a write
// under way.

import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { ProtocolError, type SyncProblem } from '@classpod/protocol';
import type { HeldFolder } from './held-folder';
import { safeMessage } from './jail-errors';
import { TreeJail, type JailedEntry } from './tree-jail';
import type { IgnoreRules } from './ignore-rules';
import { isTempName } from './atomic-file';
import type { Entry, Manifest } from './manifest';

/** One remembered file: the stat fields that must not change, and its hash. */
export interface ScanCacheRecord {
  size: number;
  mtimeMs: number;
  /** Change time: moves on every write, rename, chmod and utimes, and cannot be set back. */
  ctimeMs: number;
  ino: number;
  hash: string;
  /** When the record was made (ms since the epoch). */
  seenAt: number;
}

/** Path → what the last scan learnt; persisted by the owner between runs. */
export class ScanCache {
  readonly records = new Map<string, ScanCacheRecord>();
  /** Set when records changed since the last `markSaved()`. */
  dirty = false;

  /** Serialisable form. */
  toJSON(): { version: 2; records: Array<[string, number, number, number, number, string, number]> } {
    return {
      version: 2,
      records: [...this.records].map(([p, r]) => [p, r.size, r.mtimeMs, r.ctimeMs, r.ino, r.hash, r.seenAt]),
    };
  }

  /** Rebuild from `toJSON()` output; anything unreadable gives an empty cache. */
  static fromJSON(value: unknown): ScanCache {
    const cache = new ScanCache();
    const v = value as { version?: number; records?: unknown[] } | undefined;
    if (v?.version !== 2 || !Array.isArray(v.records)) return cache;
    for (const row of v.records) {
      if (!Array.isArray(row) || row.length !== 7) continue;
      const [p, size, mtimeMs, ctimeMs, ino, hash, seenAt] = row as [string, number, number, number, number, string, number];
      cache.records.set(p, { size, mtimeMs, ctimeMs, ino, hash, seenAt });
    }
    return cache;
  }
}

/** The outcome of a scan. */
export interface ScanResult {
  manifest: Manifest;
  /** Paths seen and not synced (links leaving the root, sockets…), for the user. */
  problems: SyncProblem[];
  /** Files whose content was hashed in this scan (the rest came from the cache). */
  hashedFiles: number;
}

export interface TreeScannerOptions {
  /** Remembered hashes; a fresh one by default. */
  cache?: ScanCache;
  /** Cache records younger than this relative to their file's mtime are not trusted (ms). Default 50. */
  racyWindowMs?: number;
  /** Files hashed at once. Default 8. */
  hashConcurrency?: number;
}

/** SHA-256 of a file's content, in hex (a file at a path the caller trusts). */
export async function hashFile(absPath: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(absPath, { highWaterMark: 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** SHA-256 of an open file's content, in hex. */
export async function hashHandle(handle: FileHandle, sizeHint: number): Promise<string> {
  const h = createHash('sha256');
  if (sizeHint <= 1024 * 1024) return h.update(await handle.readFile()).digest('hex');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  for (let position = 0; ; ) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, position);
    if (bytesRead === 0) return h.digest('hex');
    h.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
}

/** SHA-256 of bytes, in hex. */
export function hashBytes(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** When this process started: temporary files older than this were left by a process that is gone. */
const PROCESS_STARTED_AT = Date.now() - process.uptime() * 1000;

/** Folder walks run at once in one scan; beyond it, subfolders are walked one after another (each holds a descriptor). */
const WALKS_AT_ONCE = 32;

/** Scans one tree through its jail. Owns its cache; the jail belongs to the caller. */
export class TreeScanner {
  readonly cache: ScanCache;
  private readonly racyWindowMs: number;
  private readonly hashSlots: number;
  private hashing = 0;
  private readonly hashQueue: Array<() => void> = [];
  private walking = 0;

  constructor(readonly jail: TreeJail, options: TreeScannerOptions = {}) {
    this.cache = options.cache ?? new ScanCache();
    this.racyWindowMs = options.racyWindowMs ?? 50;
    this.hashSlots = options.hashConcurrency ?? 8;
  }

  /** Real path of the scanned root. */
  get root(): string {
    return this.jail.root;
  }

  /** Scan the whole tree under the root with these rules. */
  async scan(rules: IgnoreRules): Promise<ScanResult> {
    const manifest: Manifest = new Map();
    const problems: SyncProblem[] = [];
    const seen = new Set<string>();
    const counter = { hashed: 0 };
    await this.walk(this.jail.rootFolder, '', rules, manifest, problems, seen, counter);
    for (const p of [...this.cache.records.keys()]) {
      if (!seen.has(p)) {
        this.cache.records.delete(p);
        this.cache.dirty = true;
      }
    }
    return { manifest, problems, hashedFiles: counter.hashed };
  }

  /**
   * Scan only `paths` (each with its subtree) and the folders above them:
   * what a focused cycle needs after a watcher named the paths that changed.
   * Paths that hold nothing, or that lie through a link, are absent from the manifest.
   */
  async scanPaths(paths: readonly string[], rules: IgnoreRules): Promise<ScanResult> {
    const manifest: Manifest = new Map();
    const problems: SyncProblem[] = [];
    const counter = { hashed: 0 };
    const seen = new Set<string>();
    const visit = async (rel: string, recurse: boolean): Promise<void> => {
      if (manifest.has(rel)) return;
      let e: JailedEntry;
      try {
        e = await this.jail.entry(rel);
      } catch (err) {
        if (isMissing(err) || ProtocolError.is(err, 'Forbidden')) return;
        throw err;
      }
      try {
        if (!e.stat || e.name === undefined) return;
        if (rules.ignores(rel, e.stat.isDirectory())) return;
        const entry = await this.entryOf(e.folder, e.name, rel, e.stat, counter, problems);
        if (!entry) return;
        manifest.set(rel, entry);
        if (recurse && entry.kind === 'dir') {
          const child = await e.folder.child(e.name);
          try {
            await this.walk(child, rel, rules, manifest, problems, seen, counter);
          } finally {
            await child.close();
          }
        }
      } finally {
        await e.release();
      }
    };
    for (const p of new Set(paths)) {
      const parts = p.split('/');
      for (let i = 1; i < parts.length; i++) await visit(parts.slice(0, i).join('/'), false);
      await visit(p, true);
    }
    return { manifest, problems, hashedFiles: counter.hashed };
  }

  /**
   * What one path holds now (no ignore rules applied), or null when nothing is
   * there. Used to check a path still holds what was seen before changing it.
   * A path through a symbolic link is refused (Forbidden).
   */
  async entryAt(relPath: string): Promise<Entry | null> {
    return (await this.entryAndStat(relPath)).entry;
  }

  /**
   * What one path holds now, with the `lstat` the answer was read under
   * (what a guarded change compares against right before it changes the name).
   */
  async entryAndStat(relPath: string): Promise<{ entry: Entry | null; stat: Stats | undefined }> {
    let e: JailedEntry;
    try {
      e = await this.jail.entry(relPath);
    } catch (err) {
      if (isMissing(err)) return { entry: null, stat: undefined };
      throw err;
    }
    try {
      if (!e.stat || e.name === undefined) return { entry: null, stat: undefined };
      return { entry: await this.entryOf(e.folder, e.name, relPath, e.stat, { hashed: 0 }), stat: e.stat };
    } finally {
      await e.release();
    }
  }

  /** Remember a file this process just wrote, so the next scan need not rehash it. */
  async remember(relPath: string, hash: string): Promise<void> {
    try {
      const e = await this.jail.entry(relPath);
      try {
        if (!e.stat?.isFile()) return;
        this.cache.records.set(relPath, { size: e.stat.size, mtimeMs: e.stat.mtimeMs, ctimeMs: e.stat.ctimeMs, ino: e.stat.ino, hash, seenAt: Date.now() });
        this.cache.dirty = true;
      } finally {
        await e.release();
      }
    } catch {
      // Gone already: the next scan sees that.
    }
  }

  private async walk(
    folder: HeldFolder,
    dirRel: string,
    rules: IgnoreRules,
    manifest: Manifest,
    problems: SyncProblem[],
    seen: Set<string>,
    counter: { hashed: number },
  ): Promise<void> {
    let names: string[];
    try {
      names = await folder.list();
    } catch (err) {
      if (isMissing(err)) return;
      problems.push({ path: dirRel || '.', kind: 'unreadable', message: `cannot list ${dirRel || 'the root'}: ${safeMessage(err, dirRel)}` });
      return;
    }
    const subdirs: string[] = [];
    await Promise.all(
      names.map(async (name) => {
        const rel = dirRel === '' ? name : `${dirRel}/${name}`;
        let st: Stats | undefined;
        try {
          st = await folder.lstat(name);
        } catch (err) {
          problems.push({ path: rel, kind: 'unreadable', message: `cannot read ${rel}: ${safeMessage(err, rel)}` });
          return;
        }
        if (!st) return;
        if (isTempName(name)) {
          // Left by a writer killed before its rename (see the header); the first full walk after a start removes it.
          if (st.mtimeMs < PROCESS_STARTED_AT && !st.isDirectory()) await folder.unlink(name).catch(() => undefined);
          return;
        }
        if (rules.ignores(rel, st.isDirectory())) return;
        try {
          const entry = await this.entryOf(folder, name, rel, st, counter, problems);
          if (!entry) return;
          manifest.set(rel, entry);
          if (entry.kind === 'file') seen.add(rel);
          if (entry.kind === 'dir') subdirs.push(name);
        } catch (err) {
          if (isMissing(err)) return;
          problems.push({ path: rel, kind: 'unreadable', message: `cannot read ${rel}: ${safeMessage(err, rel)}` });
        }
      }),
    );
    const walkChild = async (name: string): Promise<void> => {
      const rel = dirRel === '' ? name : `${dirRel}/${name}`;
      let child: HeldFolder;
      try {
        child = await folder.child(name);
      } catch (err) {
        if (isMissing(err)) return;
        manifest.delete(rel);
        problems.push({ path: rel, kind: 'unreadable', message: `cannot list ${rel}: ${safeMessage(err, rel)}` });
        return;
      }
      try {
        await this.walk(child, rel, rules, manifest, problems, seen, counter);
      } finally {
        await child.close();
      }
    };
    const inline: string[] = [];
    const parallel: Array<Promise<void>> = [];
    for (const name of subdirs) {
      if (this.walking >= WALKS_AT_ONCE) {
        inline.push(name);
        continue;
      }
      this.walking++;
      parallel.push(walkChild(name).finally(() => this.walking--));
    }
    for (const name of inline) await walkChild(name);
    await Promise.all(parallel);
  }

  private async entryOf(
    folder: HeldFolder,
    name: string,
    rel: string,
    st: Stats,
    counter: { hashed: number },
    problems?: SyncProblem[],
  ): Promise<Entry | null> {
    if (st.isDirectory()) return { kind: 'dir' };
    if (st.isSymbolicLink()) {
      const target = await folder.readlink(name);
      if (!linkStaysInside(rel, target) || !(await this.jail.linkLeadsInside(rel, target))) {
        problems?.push({
          path: rel,
          kind: 'symlink-outside-root',
          message: `symbolic link ${rel} leads outside the synced folder; it is not synced`,
        });
        return null;
      }
      return { kind: 'symlink', target };
    }
    if (!st.isFile()) {
      problems?.push({ path: rel, kind: 'unsupported-kind', message: `${rel} is neither a file, a folder nor a link; it is not synced` });
      return null;
    }
    const executable = (st.mode & 0o100) !== 0;
    const rec = this.cache.records.get(rel);
    if (
      rec &&
      rec.size === st.size &&
      rec.mtimeMs === st.mtimeMs &&
      rec.ctimeMs === st.ctimeMs &&
      rec.ino === st.ino &&
      Math.max(rec.mtimeMs, rec.ctimeMs) < rec.seenAt - this.racyWindowMs
    ) {
      return { kind: 'file', hash: rec.hash, size: st.size, executable };
    }
    const seenAt = Date.now();
    const hash = await this.withHashSlot(async () => {
      const { handle } = await folder.openRead(name, st);
      try {
        return await hashHandle(handle, st.size);
      } finally {
        await handle.close();
      }
    });
    counter.hashed++;
    // The file may have changed while it was read; record only what matches the stat we hashed under.
    const after = await folder.lstat(name);
    if (after && after.size === st.size && after.mtimeMs === st.mtimeMs && after.ctimeMs === st.ctimeMs && after.ino === st.ino) {
      this.cache.records.set(rel, { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, hash, seenAt });
      this.cache.dirty = true;
    } else {
      this.cache.records.delete(rel);
    }
    return { kind: 'file', hash, size: st.size, executable };
  }

  private async withHashSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.hashing >= this.hashSlots) await new Promise<void>((resolve) => this.hashQueue.push(resolve));
    this.hashing++;
    try {
      return await fn();
    } finally {
      this.hashing--;
      this.hashQueue.shift()?.();
    }
  }
}

/** Scan the folder at `root` (a path the caller trusts) once, through a jail of its own. */
export async function scanFolder(root: string, rules: IgnoreRules, options: TreeScannerOptions = {}): Promise<ScanResult> {
  const jail = await TreeJail.open(root, { links: 'none', label: 'the synced folder' });
  try {
    return await new TreeScanner(jail, options).scan(rules);
  } finally {
    await jail.close();
  }
}

/** True when a link at `rel` with this target resolves to a path inside the root. */
export function linkStaysInside(rel: string, target: string): boolean {
  if (target === '' || path.posix.isAbsolute(target) || path.win32.isAbsolute(target) || target.includes('\\')) return false;
  const dir = path.posix.dirname(rel);
  const resolved = path.posix.normalize(path.posix.join(dir, target));
  return resolved !== '..' && !resolved.startsWith('../');
}

/** True for "no such file" errors (ENOENT, ENOTDIR), raw or restated by the jail. */
export function isMissing(err: unknown): boolean {
  const code = err instanceof ProtocolError ? (err.data as { errno?: string } | undefined)?.errno : (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

