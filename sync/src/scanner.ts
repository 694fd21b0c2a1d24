// Scans a tree into a manifest. Content is hashed with SHA-256 (hardware
// accelerated in Node's OpenSSL on current CPUs, and the same hash every
// other Classpod component uses for content addresses). A scan cache keyed by
// size, modification time and inode means a rescan only rehashes files that
// changed; entries whose modification time is too close to when they were
// recorded are rehashed anyway, because coarse file-system clocks can give two
// quick saves of the same size the same time stamp.

import { createHash } from 'node:crypto';
import { createReadStream, promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import type { SyncProblem } from '@classpod/protocol';
import type { IgnoreRules } from './ignore-rules';
import type { Entry, Manifest } from './manifest';

/** One remembered file: the stat fields that must not change, and its hash. */
export interface ScanCacheRecord {
  size: number;
  mtimeMs: number;
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
  toJSON(): { version: 1; records: Array<[string, number, number, number, string, number]> } {
    return {
      version: 1,
      records: [...this.records].map(([p, r]) => [p, r.size, r.mtimeMs, r.ino, r.hash, r.seenAt]),
    };
  }

  /** Rebuild from `toJSON()` output; anything unreadable gives an empty cache. */
  static fromJSON(value: unknown): ScanCache {
    const cache = new ScanCache();
    const v = value as { version?: number; records?: unknown[] } | undefined;
    if (v?.version !== 1 || !Array.isArray(v.records)) return cache;
    for (const row of v.records) {
      if (!Array.isArray(row) || row.length !== 6) continue;
      const [p, size, mtimeMs, ino, hash, seenAt] = row as [string, number, number, number, string, number];
      cache.records.set(p, { size, mtimeMs, ino, hash, seenAt });
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

/** SHA-256 of a file's content, in hex. */
export async function hashFile(absPath: string, sizeHint?: number): Promise<string> {
  if (sizeHint !== undefined && sizeHint <= 1024 * 1024) {
    return createHash('sha256').update(await fs.readFile(absPath)).digest('hex');
  }
  const h = createHash('sha256');
  for await (const chunk of createReadStream(absPath, { highWaterMark: 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** SHA-256 of bytes, in hex. */
export function hashBytes(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Scans one root. Owns its cache; holds no other resource. */
export class TreeScanner {
  readonly cache: ScanCache;
  private readonly racyWindowMs: number;
  private readonly hashSlots: number;
  private hashing = 0;
  private readonly hashQueue: Array<() => void> = [];

  constructor(readonly root: string, options: TreeScannerOptions = {}) {
    this.cache = options.cache ?? new ScanCache();
    this.racyWindowMs = options.racyWindowMs ?? 50;
    this.hashSlots = options.hashConcurrency ?? 8;
  }

  /** Scan the whole tree under the root with these rules. */
  async scan(rules: IgnoreRules): Promise<ScanResult> {
    const manifest: Manifest = new Map();
    const problems: SyncProblem[] = [];
    const seen = new Set<string>();
    const counter = { hashed: 0 };
    await this.walk('', rules, manifest, problems, seen, counter);
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
   * Paths that hold nothing are simply absent from the manifest.
   */
  async scanPaths(paths: readonly string[], rules: IgnoreRules): Promise<ScanResult> {
    const manifest: Manifest = new Map();
    const problems: SyncProblem[] = [];
    const counter = { hashed: 0 };
    const seen = new Set<string>();
    const visit = async (rel: string, recurse: boolean): Promise<void> => {
      if (manifest.has(rel)) return;
      let st: Stats;
      try {
        st = await fs.lstat(path.join(this.root, rel));
      } catch (err) {
        if (isMissing(err)) return;
        throw err;
      }
      if (rules.ignores(rel, st.isDirectory())) return;
      const entry = await this.entryFromStats(rel, path.join(this.root, rel), st, counter, problems);
      if (!entry) return;
      manifest.set(rel, entry);
      if (recurse && entry.kind === 'dir') await this.walk(rel, rules, manifest, problems, seen, counter);
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
   */
  async entryAt(relPath: string): Promise<Entry | null> {
    const abs = path.join(this.root, relPath);
    let st: Stats;
    try {
      st = await fs.lstat(abs);
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    return this.entryFromStats(relPath, abs, st, { hashed: 0 });
  }

  /** Remember a file this process just wrote, so the next scan need not rehash it. */
  async remember(relPath: string, hash: string): Promise<void> {
    try {
      const st = await fs.lstat(path.join(this.root, relPath));
      this.cache.records.set(relPath, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, hash, seenAt: Date.now() });
      this.cache.dirty = true;
    } catch {
      // Gone already: the next scan sees that.
    }
  }

  private async walk(
    dirRel: string,
    rules: IgnoreRules,
    manifest: Manifest,
    problems: SyncProblem[],
    seen: Set<string>,
    counter: { hashed: number },
  ): Promise<void> {
    const dirAbs = dirRel === '' ? this.root : path.join(this.root, dirRel);
    let names: string[];
    try {
      names = await fs.readdir(dirAbs);
    } catch (err) {
      if (isMissing(err)) return;
      problems.push({ path: dirRel || '.', kind: 'unreadable', message: `cannot list ${dirRel || 'the root'}: ${(err as Error).message}` });
      return;
    }
    const subdirs: string[] = [];
    await Promise.all(
      names.map(async (name) => {
        const rel = dirRel === '' ? name : `${dirRel}/${name}`;
        const abs = path.join(dirAbs, name);
        let st: Stats;
        try {
          st = await fs.lstat(abs);
        } catch (err) {
          if (isMissing(err)) return;
          problems.push({ path: rel, kind: 'unreadable', message: `cannot read ${rel}: ${(err as Error).message}` });
          return;
        }
        if (rules.ignores(rel, st.isDirectory())) return;
        try {
          const entry = await this.entryFromStats(rel, abs, st, counter, problems);
          if (!entry) return;
          manifest.set(rel, entry);
          if (entry.kind === 'file') seen.add(rel);
          if (entry.kind === 'dir') subdirs.push(rel);
        } catch (err) {
          if (isMissing(err)) return;
          problems.push({ path: rel, kind: 'unreadable', message: `cannot read ${rel}: ${(err as Error).message}` });
        }
      }),
    );
    await Promise.all(subdirs.map((d) => this.walk(d, rules, manifest, problems, seen, counter)));
  }

  private async entryFromStats(
    rel: string,
    abs: string,
    st: Stats,
    counter: { hashed: number },
    problems?: SyncProblem[],
  ): Promise<Entry | null> {
    if (st.isDirectory()) return { kind: 'dir' };
    if (st.isSymbolicLink()) {
      const target = await fs.readlink(abs);
      if (!linkStaysInside(rel, target)) {
        problems?.push({
          path: rel,
          kind: 'symlink-outside-root',
          message: `symbolic link ${rel} → ${target} leads outside the synced folder; it is not synced`,
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
    if (rec && rec.size === st.size && rec.mtimeMs === st.mtimeMs && rec.ino === st.ino && rec.mtimeMs < rec.seenAt - this.racyWindowMs) {
      return { kind: 'file', hash: rec.hash, size: st.size, executable };
    }
    const seenAt = Date.now();
    const hash = await this.withHashSlot(() => hashFile(abs, st.size));
    counter.hashed++;
    // The file may have changed while it was read; record only what matches the stat we hashed under.
    const after = await fs.lstat(abs);
    if (after.size === st.size && after.mtimeMs === st.mtimeMs && after.ino === st.ino) {
      this.cache.records.set(rel, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, hash, seenAt });
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

/** True when a link at `rel` with this target resolves to a path inside the root. */
export function linkStaysInside(rel: string, target: string): boolean {
  if (target === '' || path.posix.isAbsolute(target) || path.win32.isAbsolute(target) || target.includes('\\')) return false;
  const dir = path.posix.dirname(rel);
  const resolved = path.posix.normalize(path.posix.join(dir, target));
  return resolved !== '..' && !resolved.startsWith('../');
}

/** True for "no such file" errors (ENOENT, ENOTDIR). */
export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

