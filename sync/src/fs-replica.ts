// One side's tree on disk, as sync sees it: scan it, stage content for it,
// read content out of it, and apply changes to it — each change only when the
// path still holds what the caller last saw, each write atomic (temporary file
// beside the target, then rename). The local session uses one directly; the
// agent serves one over the protocol.

import { constants as fsConstants, promises as fs, type ReadStream, createReadStream } from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, ProtocolError, type SyncChange, type SyncChangeResult, type SyncContentNeed } from '@classpod/protocol';
import { readJsonFile, tempPathBeside, writeFileAtomic } from './atomic-file';
import { ContentStaging } from './content-staging';
import type { IgnoreRules } from './ignore-rules';
import { pathDepth, parentPath, sameEntry, unsafePathReason, type Entry, type Manifest } from './manifest';
import { hashBytes, isMissing, ScanCache, TreeScanner, type ScanResult } from './scanner';

export interface FsReplicaOptions {
  /** Folder for the scan cache and staged content (created when missing). */
  stateDir: string;
  /** See TreeScannerOptions.racyWindowMs. */
  racyWindowMs?: number;
}

/** Files changed at once within one depth of an apply. */
const APPLY_CONCURRENCY = 16;

/**
 * Run `fn` over items already sorted by depth: items of the same depth run up
 * to APPLY_CONCURRENCY at once, and a depth starts only when the previous one
 * finished (a folder exists before its files; files go before their folder).
 */
async function forEachByDepth<T extends { path: string }>(sorted: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  while (i < sorted.length) {
    const depth = pathDepth(sorted[i]!.path);
    let j = i;
    while (j < sorted.length && pathDepth(sorted[j]!.path) === depth) j++;
    const group = sorted.slice(i, j);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < group.length) await fn(group[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(APPLY_CONCURRENCY, group.length) }, worker));
    i = j;
  }
}

/** A tree on disk that sync reads and changes. Dispose with `close()`. */
export class FsReplica {
  readonly scanner: TreeScanner;
  readonly staging: ContentStaging;
  private readonly cacheFile: string;
  /** Hash → paths holding it, from the last scan: where content can be copied from instead of sent. */
  private byHash = new Map<string, string[]>();
  private lastManifest: Manifest = new Map();

  private constructor(readonly root: string, readonly stateDir: string, cache: ScanCache, racyWindowMs?: number) {
    this.scanner = new TreeScanner(root, { cache, ...(racyWindowMs !== undefined ? { racyWindowMs } : {}) });
    this.staging = new ContentStaging(path.join(stateDir, 'staging'));
    this.cacheFile = path.join(stateDir, 'scan-cache.json');
  }

  /** Open a replica: creates the root and state folder, loads the scan cache. */
  static async open(root: string, options: FsReplicaOptions): Promise<FsReplica> {
    await fs.mkdir(root, { recursive: true });
    await fs.mkdir(options.stateDir, { recursive: true });
    const cache = ScanCache.fromJSON(await readJsonFile(path.join(options.stateDir, 'scan-cache.json')));
    const replica = new FsReplica(path.resolve(root), options.stateDir, cache, options.racyWindowMs);
    await replica.staging.open();
    return replica;
  }

  /** The manifest of the last scan. */
  get manifest(): Manifest {
    return this.lastManifest;
  }

  /** Scan the tree; remembers the result for staging and reading. */
  async scan(rules: IgnoreRules): Promise<ScanResult> {
    const result = await this.scanner.scan(rules);
    this.lastManifest = result.manifest;
    const byHash = new Map<string, string[]>();
    for (const [p, e] of result.manifest) {
      if (e.kind !== 'file' || !e.hash) continue;
      const list = byHash.get(e.hash);
      if (list) list.push(p);
      else byHash.set(e.hash, [p]);
    }
    this.byHash = byHash;
    return result;
  }

  /** Scan only these paths (see TreeScanner.scanPaths); their content joins the copy sources. */
  async scanPaths(paths: readonly string[], rules: IgnoreRules): Promise<ScanResult> {
    const result = await this.scanner.scanPaths(paths, rules);
    for (const [p, e] of result.manifest) {
      if (e.kind !== 'file' || !e.hash) continue;
      const list = this.byHash.get(e.hash);
      if (!list) this.byHash.set(e.hash, [p]);
      else if (!list.includes(p)) list.unshift(p);
    }
    return result;
  }

  /** Paths of the last scan that hold content `hash`. */
  pathsWithHash(hash: string): readonly string[] {
    return this.byHash.get(hash) ?? [];
  }

  private cacheTimer: ReturnType<typeof setTimeout> | undefined;

  /** Persist the scan cache within a few seconds (many cycles share one write). */
  saveCacheSoon(delayMs = 3000): void {
    if (this.cacheTimer || !this.scanner.cache.dirty) return;
    this.cacheTimer = setTimeout(() => {
      this.cacheTimer = undefined;
      void this.saveCache().catch(() => undefined);
    }, delayMs);
    this.cacheTimer.unref?.();
  }

  /** Persist the scan cache when it changed. */
  async saveCache(): Promise<void> {
    if (!this.scanner.cache.dirty) return;
    this.scanner.cache.dirty = false;
    await writeFileAtomic(this.cacheFile, JSON.stringify(this.scanner.cache.toJSON()), { fsync: false });
  }

  /**
   * Make content ready for `apply`: what is staged already or can be copied
   * from a file of this tree is ready; the rest is returned with the offset a
   * transfer resumes from.
   */
  async stage(needs: readonly SyncContentNeed[]): Promise<Array<{ hash: string; offset: number }>> {
    const unique = [...new Map(needs.map((n) => [n.hash, n])).values()];
    const missing: Array<{ hash: string; offset: number } | undefined> = new Array(unique.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < unique.length) {
        const i = next++;
        const need = unique[i]!;
        if (await this.staging.has(need.hash)) continue;
        let staged = false;
        for (const p of this.pathsWithHash(need.hash)) {
          if (await this.staging.stageFromFile(need.hash, path.join(this.root, p))) {
            staged = true;
            break;
          }
        }
        if (!staged) missing[i] = { hash: need.hash, offset: await this.staging.resumeOffset(need.hash) };
      }
    };
    await Promise.all(Array.from({ length: Math.min(APPLY_CONCURRENCY, unique.length) }, worker));
    return missing.filter((m): m is { hash: string; offset: number } => m !== undefined);
  }

  /** Open file `relPath` for reading from `offset`; Conflict when it no longer holds content `hash`. */
  async openContent(relPath: string, hash: string, offset: number): Promise<{ size: number; stream: ReadStream }> {
    await this.checkPath(relPath);
    const entry = await this.scanner.entryAt(relPath);
    if (entry?.kind !== 'file' || entry.hash !== hash) {
      throw new ProtocolError(ErrorCode.Conflict, `${relPath} no longer holds the content asked for; it changed since the last scan`);
    }
    const size = entry.size ?? 0;
    if (offset > size) throw new ProtocolError(ErrorCode.InvalidParams, `offset ${offset} is beyond the ${size} bytes of ${relPath}`);
    return { size, stream: createReadStream(path.join(this.root, relPath), { start: offset, highWaterMark: 256 * 1024 }) };
  }

  /** The bytes of file `relPath` when it still holds content `hash`; undefined otherwise. */
  async readSmall(relPath: string, hash: string): Promise<Buffer | undefined> {
    if (unsafePathReason(relPath)) return undefined;
    try {
      await this.checkPath(relPath);
      const data = await fs.readFile(path.join(this.root, relPath));
      return hashBytes(data) === hash ? data : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Apply changes. Removals go first, deepest paths first; then creations and
   * updates, shallowest first. A change is refused (`conflict`) when its path
   * no longer holds `old`, and is `ok` without work when it already holds `new`.
   */
  async apply(changes: readonly SyncChange[]): Promise<SyncChangeResult[]> {
    const results = new Map<string, SyncChangeResult>();
    const removed = new Set<string>();
    const fail = (p: string, status: SyncChangeResult['status'], message: string): void => {
      results.set(p, { path: p, status, message });
    };
    for (const c of changes) {
      const why = unsafePathReason(c.path);
      if (why) fail(c.path, 'failed', `refused ${JSON.stringify(c.path)}: ${why}`);
    }

    const removals = changes
      .filter((c) => !results.has(c.path) && c.old && (!c.new || c.old.kind !== c.new.kind))
      .sort((a, b) => pathDepth(b.path) - pathDepth(a.path));
    await forEachByDepth(removals, async (c) => {
      try {
        await this.checkPath(c.path);
        const cur = await this.scanner.entryAt(c.path);
        if (!cur) {
          removed.add(c.path);
          return;
        }
        if (!sameEntry(cur, c.old)) {
          if (c.new && sameEntry(cur, c.new)) return;
          fail(c.path, 'conflict', `${c.path} changed on this side since it was scanned`);
          return;
        }
        const abs = path.join(this.root, c.path);
        if (cur.kind === 'dir') await fs.rmdir(abs);
        else await fs.unlink(abs);
        removed.add(c.path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST') fail(c.path, 'conflict', `folder ${c.path} holds files that are not synced (new or ignored); it was kept`);
        else fail(c.path, 'failed', `cannot remove ${c.path}: ${(err as Error).message}`);
      }
    });

    /** Folders seen to be real folders (not links) during this apply. */
    const realFolders = new Set<string>();
    const writes = changes.filter((c) => !results.has(c.path) && c.new).sort((a, b) => pathDepth(a.path) - pathDepth(b.path));
    const uses = new Map<string, number>();
    for (const c of writes) if (c.new?.kind === 'file' && c.new.hash) uses.set(c.new.hash, (uses.get(c.new.hash) ?? 0) + 1);
    await forEachByDepth(writes, async (c) => {
      const want = c.new!;
      try {
        const parent = parentPath(c.path);
        if (parent && results.has(parent) && results.get(parent)!.status !== 'ok') {
          fail(c.path, 'failed', `its folder ${parent} could not be made`);
          return;
        }
        await this.checkPath(c.path, realFolders);
        const cur = await this.scanner.entryAt(c.path);
        if (sameEntry(cur, want)) return;
        const expected = removed.has(c.path) ? null : c.old;
        if (!sameEntry(cur, expected)) {
          fail(c.path, 'conflict', `${c.path} changed on this side since it was scanned`);
          return;
        }
        await this.write(c.path, cur, want, uses);
      } catch (err) {
        if (err instanceof ProtocolError && err.code === ErrorCode.NotFound) fail(c.path, 'missing-content', err.message);
        else fail(c.path, 'failed', `cannot write ${c.path}: ${(err as Error).message}`);
      }
    });
    this.saveCacheSoon();
    return changes.map((c) => results.get(c.path) ?? { path: c.path, status: 'ok' });
  }

  private async write(rel: string, cur: Entry | null, want: Entry, uses: Map<string, number>): Promise<void> {
    const abs = path.join(this.root, rel);
    if (want.kind === 'dir') {
      await fs.mkdir(abs);
      return;
    }
    if (want.kind === 'symlink') {
      const tmp = tempPathBeside(abs);
      await fs.symlink(want.target ?? '', tmp);
      await fs.rename(tmp, abs);
      return;
    }
    const mode = want.executable ? 0o755 : 0o644;
    if (cur?.kind === 'file' && cur.hash === want.hash) {
      await fs.chmod(abs, mode);
      return;
    }
    const hash = want.hash ?? '';
    const staged = this.staging.completePath(hash);
    const left = (uses.get(hash) ?? 1) - 1;
    uses.set(hash, left);
    if (left === 0) {
      // Last use of this content in the batch: the staged file itself goes into place (one rename, atomic).
      const placed = await fs
        .chmod(staged, mode)
        .then(() => fs.rename(staged, abs))
        .then(
          () => true,
          () => false,
        );
      if (placed) {
        await this.scanner.remember(rel, hash);
        return;
      }
    }
    const tmp = tempPathBeside(abs);
    try {
      try {
        await fs.copyFile(staged, tmp, fsConstants.COPYFILE_FICLONE);
      } catch (err) {
        if (isMissing(err)) throw new ProtocolError(ErrorCode.NotFound, `content for ${rel} was not staged`);
        throw err;
      }
      if (left === 0) await this.staging.release(hash);
      await fs.chmod(tmp, mode);
      await fs.rename(tmp, abs);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    await this.scanner.remember(rel, hash);
  }

  /** Refuse paths that go through a symbolic link (a change must never land outside the root). */
  private async checkPath(rel: string, realFolders?: Set<string>): Promise<void> {
    const seen: string[] = [];
    for (let p = parentPath(rel); p !== undefined; p = parentPath(p)) {
      if (realFolders?.has(p)) break;
      const st = await fs.lstat(path.join(this.root, p)).catch(() => undefined);
      if (st?.isSymbolicLink()) throw new ProtocolError(ErrorCode.Forbidden, `${rel} goes through the symbolic link ${p}`);
      if (st?.isDirectory()) seen.push(p);
    }
    // Only a fully checked chain is remembered: every folder above a remembered one is real too.
    for (const p of seen) realFolders?.add(p);
  }

  /** Persist what should outlive the process. */
  async close(): Promise<void> {
    if (this.cacheTimer) clearTimeout(this.cacheTimer);
    this.cacheTimer = undefined;
    await this.saveCache();
  }
}
