// One side's tree on disk, as sync sees it: scan it, stage content for it,
// read content out of it, and apply changes to it — each change only when the
// path still holds what the caller last saw, each write atomic (temporary file
// beside the target, then rename). The local session uses one directly; the
// agent serves one over the protocol. Every access to the tree and to the
// state folder goes through a tree jail (tree-jail.ts) whose links policy is
// 'none': a path through a link is refused, a link is synced as a link (and
// made only when it resolves inside), a FIFO is never opened, a hard-linked
// file is replaced rather than changed.

import type { ReadStream, Stats } from 'node:fs';
import { ErrorCode, ProtocolError, type SyncChange, type SyncChangeResult, type SyncContentNeed } from '@classpod/protocol';
import { parseJson } from './atomic-file';
import { ContentStaging } from './content-staging';
import { STATE_DIR_NAME, type IgnoreRules } from './ignore-rules';
import { safeMessage } from './jail-errors';
import { pathDepth, parentPath, sameEntry, unsafePathReason, type Entry, type Manifest } from './manifest';
import { hashBytes, ScanCache, TreeScanner, type ScanResult } from './scanner';
import { TreeJail } from './tree-jail';

export interface FsReplicaOptions {
  /** Folder for the scan cache and staged content (created when missing). */
  stateDir: string;
  /** See TreeScannerOptions.racyWindowMs. */
  racyWindowMs?: number;
}

/** The scan cache's file in the state folder. */
const SCAN_CACHE_FILE = 'scan-cache.json';

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

/** A tree on disk that sync reads and changes, through its jail. Dispose with `close()`. */
export class FsReplica {
  readonly scanner: TreeScanner;
  /** Hash → paths holding it, from the last scan: where content can be copied from instead of sent. */
  private byHash = new Map<string, string[]>();
  private lastManifest: Manifest = new Map();

  private constructor(
    /** The synced tree (links never followed on the way to a path). */
    readonly tree: TreeJail,
    /** The replica's own state folder: scan cache and staging. */
    readonly state: TreeJail,
    readonly staging: ContentStaging,
    cache: ScanCache,
    racyWindowMs?: number,
  ) {
    this.scanner = new TreeScanner(tree, { cache, ...(racyWindowMs !== undefined ? { racyWindowMs } : {}) });
  }

  /** Open the replica of a folder at a path the caller trusts (the local side), with its state in `stateDir`; both are made when missing. */
  static async open(root: string, options: FsReplicaOptions): Promise<FsReplica> {
    const tree = await TreeJail.open(root, { create: true, links: 'none', label: 'the synced folder' });
    try {
      const state = await TreeJail.open(options.stateDir, { create: true, links: 'none', label: 'the sync state folder' });
      return await FsReplica.withJails(tree, state, options.racyWindowMs);
    } catch (err) {
      await tree.close();
      throw err;
    }
  }

  /**
   * Open the replica of a jailed tree whose state folder lies inside it
   * (`.classpod-sync`, the workspace side). Takes over `tree`.
   */
  static async openJailed(tree: TreeJail, options: { racyWindowMs?: number } = {}): Promise<FsReplica> {
    try {
      const state = await tree.subJail(STATE_DIR_NAME, { create: true, links: 'none', label: 'the sync state folder' });
      return await FsReplica.withJails(tree, state, options.racyWindowMs);
    } catch (err) {
      await tree.close();
      throw err;
    }
  }

  private static async withJails(tree: TreeJail, state: TreeJail, racyWindowMs: number | undefined): Promise<FsReplica> {
    try {
      const saved = await state.readFile(SCAN_CACHE_FILE).then(
        (f) => parseJson(f.data.toString('utf8')),
        () => undefined,
      );
      const staging = await ContentStaging.open(state);
      return new FsReplica(tree, state, staging, ScanCache.fromJSON(saved), racyWindowMs);
    } catch (err) {
      await state.close();
      throw err;
    }
  }

  /** Real path of the synced folder. */
  get root(): string {
    return this.tree.root;
  }

  /** Real path of the state folder. */
  get stateDir(): string {
    return this.state.root;
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
    await this.state.writeFile(SCAN_CACHE_FILE, Buffer.from(JSON.stringify(this.scanner.cache.toJSON())), { fsync: false, mode: () => 0o644 });
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
          if (await this.staging.stageFromFile(need.hash, this.tree, p)) {
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
    const entry = await this.scanner.entryAt(relPath);
    if (entry?.kind !== 'file' || entry.hash !== hash) {
      throw new ProtocolError(ErrorCode.Conflict, `${relPath} no longer holds the content asked for; it changed since the last scan`);
    }
    const size = entry.size ?? 0;
    if (offset > size) throw new ProtocolError(ErrorCode.InvalidParams, `offset ${offset} is beyond the ${size} bytes of ${relPath}`);
    const { handle } = await this.tree.openFile(relPath);
    return { size, stream: handle.createReadStream({ start: offset, highWaterMark: 256 * 1024 }) };
  }

  /** The size of regular file `relPath` through the jail, from its stat (nothing is read); undefined for anything else. */
  async fileSize(relPath: string): Promise<number | undefined> {
    if (unsafePathReason(relPath)) return undefined;
    try {
      const { stat } = await this.tree.existing(relPath);
      return stat.isFile() ? stat.size : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The bytes of file `relPath` when it still holds content `hash`; undefined
   * otherwise (or when it is not a regular file, or holds more than `maxBytes`,
   * checked on the open file before reading; a file growing meanwhile is read
   * no further).
   */
  async readSmall(relPath: string, hash: string, maxBytes = Number.POSITIVE_INFINITY): Promise<Buffer | undefined> {
    if (unsafePathReason(relPath)) return undefined;
    let f: Awaited<ReturnType<TreeJail['openFile']>> | undefined;
    try {
      f = await this.tree.openFile(relPath);
      if (f.stat.size > maxBytes) return undefined;
      const data = Buffer.alloc(f.stat.size);
      const { bytesRead } = await f.handle.read(data, 0, f.stat.size, 0);
      return bytesRead === f.stat.size && hashBytes(data) === hash ? data : undefined;
    } catch {
      return undefined;
    } finally {
      await f?.handle.close().catch(() => undefined);
    }
  }

  /**
   * Apply changes. Removals go first, deepest paths first; then creations and
   * updates, shallowest first. A change is refused (`conflict`) when its path
   * no longer holds `old`, and is `ok` without work when it already holds `new`.
   * The check is made again as the name is changed (guarded-place.ts), so a
   * save landing between the check and the change is kept, never overwritten.
   * When `signal` aborts (the other side's apply failed), no further change is
   * started; those not made are answered `failed`.
   */
  async apply(changes: readonly SyncChange[], options: { signal?: AbortSignal } = {}): Promise<SyncChangeResult[]> {
    const signal = options.signal;
    const stopped = (p: string): boolean => {
      if (!signal?.aborted) return false;
      fail(p, 'failed', `${p} was not changed: the apply on the other side failed`);
      return true;
    };
    const results = new Map<string, SyncChangeResult>();
    const removed = new Set<string>();
    const fail = (p: string, status: SyncChangeResult['status'], message: string): void => {
      results.set(p, { path: p, status, message });
    };
    const named = new Set<string>();
    for (const c of changes) {
      const why = unsafePathReason(c.path);
      if (why) fail(c.path, 'failed', `refused ${JSON.stringify(c.path)}: ${why}`);
      else if (named.has(c.path)) fail(c.path, 'failed', `${c.path} is named more than once in one apply; none of its changes were made`);
      named.add(c.path);
    }

    const removals = changes
      .filter((c) => !results.has(c.path) && c.old && (!c.new || c.old.kind !== c.new.kind))
      .sort((a, b) => pathDepth(b.path) - pathDepth(a.path));
    await forEachByDepth(removals, async (c) => {
      if (stopped(c.path)) return;
      try {
        const { entry: cur, stat } = await this.scanner.entryAndStat(c.path);
        if (!cur) {
          removed.add(c.path);
          return;
        }
        if (!sameEntry(cur, c.old)) {
          if (c.new && sameEntry(cur, c.new)) return;
          fail(c.path, 'conflict', `${c.path} changed on this side since it was scanned`);
          return;
        }
        if (cur.kind !== 'dir' && stat) {
          if ((await this.tree.removeIfUnchanged(c.path, stat)) === 'changed') {
            fail(c.path, 'conflict', `${c.path} changed on this side while it was being removed; it was kept`);
            return;
          }
        } else await this.tree.remove(c.path);
        removed.add(c.path);
      } catch (err) {
        const errno = (err as { data?: { errno?: string } }).data?.errno;
        if (errno === 'ENOTEMPTY' || errno === 'EEXIST') fail(c.path, 'conflict', `folder ${c.path} holds files that are not synced (new or ignored); it was kept`);
        else fail(c.path, 'failed', `cannot remove ${c.path}: ${safeMessage(err, c.path)}`);
      }
    });

    const writes = changes.filter((c) => !results.has(c.path) && c.new).sort((a, b) => pathDepth(a.path) - pathDepth(b.path));
    const uses = new Map<string, number>();
    for (const c of writes) if (c.new?.kind === 'file' && c.new.hash) uses.set(c.new.hash, (uses.get(c.new.hash) ?? 0) + 1);
    await forEachByDepth(writes, async (c) => {
      if (stopped(c.path)) return;
      const want = c.new!;
      try {
        const parent = parentPath(c.path);
        if (parent && results.has(parent) && results.get(parent)!.status !== 'ok') {
          fail(c.path, 'failed', `its folder ${parent} could not be made`);
          return;
        }
        const { entry: cur, stat } = await this.scanner.entryAndStat(c.path);
        if (sameEntry(cur, want)) return;
        const expected = removed.has(c.path) ? null : c.old;
        if (!sameEntry(cur, expected)) {
          fail(c.path, 'conflict', `${c.path} changed on this side since it was scanned`);
          return;
        }
        if ((await this.write(c.path, cur, stat, want, uses)) === 'changed') {
          fail(c.path, 'conflict', `${c.path} changed on this side while it was being written; the save was kept`);
        }
      } catch (err) {
        if (err instanceof MissingContent) fail(c.path, 'missing-content', err.message);
        else fail(c.path, 'failed', `cannot write ${c.path}: ${safeMessage(err, c.path)}`);
      }
    });
    this.saveCacheSoon();
    return changes.map((c) => results.get(c.path) ?? { path: c.path, status: 'ok' });
  }

  private async write(rel: string, cur: Entry | null, stat: Stats | undefined, want: Entry, uses: Map<string, number>): Promise<'done' | 'changed'> {
    if (want.kind === 'dir') {
      await this.tree.mkdir(rel);
      return 'done';
    }
    if (want.kind === 'symlink') {
      await this.tree.symlink(rel, want.target ?? '');
      return 'done';
    }
    const mode = want.executable ? 0o755 : 0o644;
    if (cur?.kind === 'file' && cur.hash === want.hash) {
      await this.tree.setMode(rel, mode);
      return 'done';
    }
    const hash = want.hash ?? '';
    if (!(await this.staging.has(hash))) throw new MissingContent(`content for ${rel} was not staged`);
    const left = (uses.get(hash) ?? 1) - 1;
    uses.set(hash, left);
    // The last use of this content in the batch moves the staged file itself into place (then one rename, atomic).
    const { outcome, moved } = await this.tree.placeFile(rel, this.staging.complete(hash), mode, { move: left === 0, expect: cur ? (stat ?? null) : null });
    if (outcome === 'changed') {
      uses.set(hash, left + 1);
      return 'changed';
    }
    if (left === 0 && !moved) await this.staging.release(hash);
    await this.scanner.remember(rel, hash);
    return 'done';
  }

  /** Persist what should outlive the process, and let go of the folders. */
  async close(): Promise<void> {
    if (this.cacheTimer) clearTimeout(this.cacheTimer);
    this.cacheTimer = undefined;
    try {
      await this.saveCache();
    } finally {
      await this.staging.close();
      await this.state.close();
      await this.tree.close();
    }
  }
}

/** Content a change needs is not staged. */
class MissingContent extends Error {}
