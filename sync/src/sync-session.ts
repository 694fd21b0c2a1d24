// The local side of a sync pair, and the one that decides: it scans the local
// folder and the workspace replica, reconciles them against the persisted
// common ancestor, moves the content each side lacks (only what the other side
// cannot copy from itself), applies the changes on both sides, and saves the
// new ancestor. It runs a cycle when the local watcher or the workspace says
// something changed, on a timer as a safety net, and on `syncNow()`.
// It speaks through an RpcEndpoint the caller connects and hands over with
// `attach()`; while detached, local edits wait and reconcile on reattach.

import * as path from 'node:path';
import {
  ErrorCode,
  ProtocolError,
  SyncChangedNotification,
  type RpcEndpoint,
  type SyncChange,
  type SyncChangeResult,
  type SyncContentNeed,
  type SyncProblem,
} from '@classpod/protocol';
import { silentLogger, type Logger } from '@classpod/observability';
import { clearInDoubt, loadAncestor, saveAncestor, saveInDoubt, sweepStateFolder } from './ancestor-store';
import { probeCaseSensitive } from './case-probe';
import { FsReplica } from './fs-replica';
import { IgnoreRules, readIgnorePatterns } from './ignore-rules';
import { isWithin, parentPath, sameEntry, type Manifest } from './manifest';
import { nextAncestor, reconcile, type SyncConflict } from './reconcile';
import { RemoteReplica } from './remote-replica';
import { transferContent } from './content-transfer';
import { TreeWatcher } from './tree-watcher';

/** Options of a sync session; every one but the three folders has a default. */
export interface SyncSessionOptions {
  /** The local folder. */
  root: string;
  /** Folder for the session's own state (ancestor, scan cache, partial downloads); outside `root`, one per pair. */
  stateDir: string;
  /** The workspace folder, relative to the workspace root ("" for the root). */
  remoteRoot: string;
  /** Extra ignore rules in .gitignore syntax, after the defaults, `.gitignore` and `.classpodignore`. */
  ignore?: string[];
  /**
   * Watch the local folder, react to the workspace's change notifications and
   * sync on attach. Default true; when false, cycles run on `syncNow()` (and the
   * periodic rescan, if set) only.
   */
  watch?: boolean;
  /** Told of every change the local watcher sees, connected or not (a client resumes a paused workspace on it). */
  onLocalChange?: (paths: readonly string[]) => void;
  /** Quiet time after a local change before a cycle starts (ms). Default 15. */
  debounceMs?: number;
  /** Full cycle on a timer as a safety net against missed watcher events (ms; 0 = never). Default 10 000. */
  rescanIntervalMs?: number;
  /** Treat the local disk as case-insensitive (probed when not given). */
  caseInsensitive?: boolean;
  /** Files up to this size travel back to back, many to a stream, instead of on a stream each (bytes). Default 256 KiB. */
  inlineMaxBytes?: number;
  /** Content transfers at once. Default 8. */
  transferConcurrency?: number;
  /** Clock for conflict copy names. */
  now?: () => Date;
  logger?: Logger;
}

/** Where a session stands. */
export type SyncState = 'offline' | 'idle' | 'syncing' | 'closed';

/** Progress of the running cycle, for a status bar. */
export interface SyncProgress {
  phase: 'scanning' | 'transferring' | 'applying' | 'done';
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

/** A change that did not happen, and on which side. */
export interface SyncFailure extends SyncChangeResult {
  side: 'local' | 'workspace';
  /** True when the file did not fit on that side's disk (nothing of it was left there). */
  diskFull?: boolean;
}

/** What one cycle did. */
export interface SyncReport {
  /** Changes applied to the local folder. */
  localChanges: number;
  /** Changes applied to the workspace. */
  remoteChanges: number;
  conflicts: SyncConflict[];
  /** Paths not synced (links leaving the root, case collisions, unreadable files), both sides. */
  problems: Array<SyncProblem & { side: 'local' | 'workspace' | 'both' }>;
  /** Changes refused or failed; retried by the next cycle. */
  failures: SyncFailure[];
  bytesUploaded: number;
  bytesDownloaded: number;
  durationMs: number;
}

type Listener<T> = (value: T) => void;

/** One local folder kept in sync with one workspace folder. Dispose with `close()`. */
export class SyncSession {
  private readonly log: Logger;
  private ancestor: Manifest = new Map();
  private remote: RemoteReplica | undefined;
  private endpoint: RpcEndpoint | undefined;
  private detachEndpoint: (() => void) | undefined;
  private watcher: TreeWatcher | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private scheduled = false;
  private retries = 0;
  /** What changed since the last cycle started: paths from the watchers, or 'all' (unknown: scan everything). */
  private dirty: Set<string> | 'all' = 'all';
  private lastFullAt = 0;
  /**
   * Paths whose ancestor entry in memory differs from the saved one; undefined
   * until this process has saved the ancestor once (then the difference is
   * not known). Each is named in the record of paths in doubt on disk.
   */
  private unsaved: Set<string> | undefined;
  /** The paths the record of paths in doubt on disk names. */
  private readonly recorded = new Set<string>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Content hashes the workspace held at its last scans. */
  private readonly remoteHashes = new Set<string>();
  /** Paths the workspace held at its last full scan, and those seen by focused scans since (conflict copy names avoid them). */
  private readonly remotePaths = new Set<string>();
  private stateValue: SyncState = 'offline';
  private readonly listeners = {
    state: new Set<Listener<SyncState>>(),
    progress: new Set<Listener<SyncProgress>>(),
    synced: new Set<Listener<SyncReport>>(),
    error: new Set<Listener<Error>>(),
  };

  private constructor(
    readonly options: SyncSessionOptions,
    private readonly local: FsReplica,
    private readonly caseInsensitive: boolean,
    private readonly pair: { localRoot: string; remoteRoot: string },
  ) {
    this.log = (options.logger ?? silentLogger).child({ component: 'sync', root: options.root });
  }

  /** Open a session: loads the persisted ancestor and scan cache, starts the local watcher. Not connected yet: call `attach()`. */
  static async open(options: SyncSessionOptions): Promise<SyncSession> {
    const root = path.resolve(options.root);
    const stateDir = path.resolve(options.stateDir);
    if (stateDir === root || stateDir.startsWith(root + path.sep)) {
      throw new ProtocolError(ErrorCode.InvalidParams, `the state folder ${stateDir} must lie outside the synced folder ${root}`);
    }
    const local = await FsReplica.open(root, { stateDir });
    // The synced folder's own disk decides (the state folder may lie on another one).
    const caseInsensitive = options.caseInsensitive ?? !(await probeCaseSensitive(local.tree.rootFolder));
    const pair = { localRoot: root, remoteRoot: options.remoteRoot };
    const session = new SyncSession(options, local, caseInsensitive, pair);
    await sweepStateFolder(stateDir);
    session.ancestor = await loadAncestor(stateDir, pair);
    if (options.watch ?? true) {
      session.watcher = new TreeWatcher(
        root,
        (paths) => {
          session.markDirty(paths);
          options.onLocalChange?.(paths);
        },
        {
          ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
          logger: session.log,
        },
      );
      await session.watcher.start();
    }
    const every = options.rescanIntervalMs ?? 10_000;
    if (every > 0) {
      session.timer = setInterval(() => session.markDirty(null), every);
      session.timer.unref?.();
    }
    return session;
  }

  /** Current state. */
  get state(): SyncState {
    return this.stateValue;
  }

  /** The ancestor as last saved (a copy). */
  get ancestorManifest(): Manifest {
    return new Map(this.ancestor);
  }

  onState(l: Listener<SyncState>): () => void {
    return this.listen('state', l);
  }
  onProgress(l: Listener<SyncProgress>): () => void {
    return this.listen('progress', l);
  }
  /** Called after every cycle with what it did (conflicts, problems, failures). */
  onSynced(l: Listener<SyncReport>): () => void {
    return this.listen('synced', l);
  }
  /** Called when a background cycle fails (e.g. the connection dropped). */
  onError(l: Listener<Error>): () => void {
    return this.listen('error', l);
  }

  /**
   * Use this connected endpoint (the handshake done) to reach the workspace;
   * opens the workspace replica and, when watching, runs a cycle. When the endpoint closes the
   * session goes offline until the next `attach()`.
   */
  async attach(endpoint: RpcEndpoint): Promise<void> {
    if (this.stateValue === 'closed') throw new ProtocolError(ErrorCode.Unavailable, 'the sync session is closed');
    this.detach();
    this.endpoint = endpoint;
    const remote = await RemoteReplica.open(endpoint, this.options.remoteRoot);
    if (this.endpoint !== endpoint) return;
    this.remote = remote;
    const removeNotification = endpoint.onNotification(SyncChangedNotification.type, (p) => {
      if (p.replicaId === remote.replicaId && (this.options.watch ?? true)) this.markDirty(p.paths ?? null);
    });
    endpoint.onClose(() => {
      if (this.endpoint === endpoint) this.detach();
    });
    this.detachEndpoint = removeNotification;
    this.setState('idle');
    this.dirty = 'all';
    if (this.options.watch ?? true) this.schedule();
  }

  /** Stop using the current endpoint (the caller still owns and closes it). */
  detach(): void {
    this.detachEndpoint?.();
    this.detachEndpoint = undefined;
    this.endpoint = undefined;
    this.remote = undefined;
    if (this.stateValue !== 'closed') this.setState('offline');
  }

  /**
   * Run a cycle now (after any running one) and return what it did; fails when
   * offline. A full cycle scans both trees; with `paths`, a focused cycle scans
   * only those paths (with subtrees and parent folders) on both sides.
   */
  syncNow(options: { paths?: readonly string[] } = {}): Promise<SyncReport> {
    const run = this.queue.then(() => {
      if (!options.paths) this.dirty = new Set();
      return this.cycle(options.paths);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Note paths that changed (null: unknown, scan everything) and schedule a cycle. */
  markDirty(paths: readonly string[] | null): void {
    if (this.dirty !== 'all') {
      if (paths === null || paths.includes('')) this.dirty = 'all';
      else for (const p of paths) this.dirty.add(p);
    }
    this.schedule();
  }

  /** Ask for a cycle soon; many requests while one waits make one cycle. */
  schedule(): void {
    if (this.scheduled || !this.remote || this.stateValue === 'closed') return;
    this.scheduled = true;
    this.queue = this.queue.then(async () => {
      this.scheduled = false;
      if (!this.remote || this.stateValue === 'closed') return;
      const dirty = this.dirty;
      this.dirty = new Set();
      const every = this.options.rescanIntervalMs ?? 10_000;
      const focused = dirty !== 'all' && dirty.size > 0 && dirty.size <= FOCUSED_MAX_PATHS && (every <= 0 || Date.now() - this.lastFullAt < every);
      if (dirty !== 'all' && dirty.size === 0) return;
      try {
        const report = await this.cycle(focused ? [...dirty] : undefined);
        if (report.failures.length > 0 && this.retries < 5) {
          this.retries++;
          setTimeout(() => this.markDirty(null), 50 * this.retries).unref?.();
        } else this.retries = 0;
      } catch (err) {
        // What this cycle was to carry is not known to have arrived: the next cycle scans everything.
        this.dirty = 'all';
        this.log.warn('sync cycle failed', { err });
        for (const l of this.listeners.error) l(err as Error);
        if (this.remote && this.retries < 5) {
          this.retries++;
          setTimeout(() => this.schedule(), 200 * this.retries).unref?.();
        }
      }
    });
  }

  /** Stop watching, wait for the running cycle, persist caches. Does not close the endpoint. */
  async close(): Promise<void> {
    if (this.stateValue === 'closed') return;
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    this.detach();
    this.setState('closed');
    await this.queue.catch(() => undefined);
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.flushAncestor();
    await this.local.close();
  }

  private async cycle(focus?: readonly string[]): Promise<SyncReport> {
    const remote = this.remote;
    if (!remote || this.stateValue === 'closed') {
      throw new ProtocolError(ErrorCode.Unavailable, 'the sync session is offline; attach a connected endpoint first');
    }
    const started = Date.now();
    this.setState('syncing');
    try {
      const progress: SyncProgress = { phase: 'scanning', filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 };
      this.emitProgress(progress);
      const patterns = await readIgnorePatterns(this.local.tree, this.options.ignore);
      const rules = new IgnoreRules(patterns);
      const scope = focus ? focusScope(focus) : undefined;
      const fullStarted = Date.now();
      const [localScan, remoteScan] = scope
        ? await Promise.all([this.local.scanPaths(scope.paths, rules), remote.scan(patterns, scope.paths)])
        : await Promise.all([this.local.scan(rules), remote.scan(patterns)]);
      const ancestor: Manifest = new Map();
      for (const [p, e] of this.ancestor) if ((!scope || scope.has(p)) && !rules.ignores(p, e.kind === 'dir')) ancestor.set(p, e);
      const plan = reconcile({
        ancestor,
        local: localScan.manifest,
        remote: remoteScan.manifest,
        caseInsensitive: this.caseInsensitive,
        now: this.options.now?.() ?? new Date(),
        alsoTaken: (p) => this.ancestor.has(p) || this.local.manifest.has(p) || this.remotePaths.has(p),
      });

      if (!scope) {
        this.remoteHashes.clear();
        this.remotePaths.clear();
      }
      for (const p of remoteScan.manifest.keys()) this.remotePaths.add(p);
      for (const e of remoteScan.manifest.values()) if (e.kind === 'file' && e.hash) this.remoteHashes.add(e.hash);
      // Small content the workspace is not known to hold goes inline straight away, without
      // first asking whether it can be copied there (one round trip less for an edit).
      const inlineMax = this.options.inlineMaxBytes ?? 256 * 1024;
      const remoteNeeds = contentNeeds(plan.remoteChanges);
      const sendNow = remoteNeeds.filter((n) => n.size <= inlineMax && !this.remoteHashes.has(n.hash));
      const askFirst = remoteNeeds.filter((n) => !(n.size <= inlineMax && !this.remoteHashes.has(n.hash)));
      const [askedMissing, localMissing] = await Promise.all([remote.stage(askFirst), this.local.stage(contentNeeds(plan.localChanges))]);
      const remoteMissing = [...sendNow.map((n) => ({ hash: n.hash, offset: 0 })), ...askedMissing];
      const sizeOf = new Map<string, number>();
      for (const e of plan.target.values()) if (e.kind === 'file' && e.hash) sizeOf.set(e.hash, e.size ?? 0);
      const remoteByHash = new Map<string, string>();
      for (const [p, e] of remoteScan.manifest) if (e.kind === 'file' && e.hash && !remoteByHash.has(e.hash)) remoteByHash.set(e.hash, p);

      progress.phase = 'transferring';
      progress.filesTotal = plan.localChanges.length + plan.remoteChanges.length;
      for (const m of [...remoteMissing, ...localMissing]) progress.bytesTotal += (sizeOf.get(m.hash) ?? 0) - m.offset;
      this.emitProgress(progress);
      let bytesUploaded = 0;
      let bytesDownloaded = 0;
      let lastEmit = 0;
      const onBytes = (up: boolean) => (n: number): void => {
        if (up) bytesUploaded += n;
        else bytesDownloaded += n;
        progress.bytesDone += n;
        const now = Date.now();
        if (now - lastEmit > 50) {
          lastEmit = now;
          this.emitProgress(progress);
        }
      };
      const noRoomRemote = new Set<string>();
      const noRoomLocal = new Set<string>();
      await transferContent({
        local: this.local,
        remote,
        uploads: remoteMissing,
        downloads: localMissing,
        sizeOf,
        remoteSources: remoteByHash,
        inlineMaxBytes: inlineMax,
        concurrency: this.options.transferConcurrency ?? 8,
        onBytes: (direction, n) => onBytes(direction === 'up')(n),
        onFailure: (err, hashes, direction) => {
          if (remote.endpoint.isClosed) throw err;
          if (isDiskFull(err)) for (const h of hashes) (direction === 'up' ? noRoomRemote : noRoomLocal).add(h);
          this.log.info('a transfer failed; the changes that need it wait for the next cycle', { err });
        },
      });
      // What did not fit on a disk is not applied there; each such file is named as a failure.
      const noRoom: SyncFailure[] = [];
      const fits = (changes: SyncChange[], full: ReadonlySet<string>, side: SyncFailure['side']): SyncChange[] =>
        changes.filter((c) => {
          const h = c.new?.kind === 'file' ? c.new.hash : undefined;
          if (!h || !full.has(h) || (c.old?.kind === 'file' && c.old.hash === h)) return true;
          const where = side === 'workspace' ? 'the workspace disk is full' : 'the local disk is full';
          noRoom.push({ path: c.path, status: 'failed', side, diskFull: true, message: `${where}: ${c.path} (${c.new?.size ?? 0} bytes) did not fit` });
          return false;
        });
      plan.remoteChanges = fits(plan.remoteChanges, noRoomRemote, 'workspace');
      plan.localChanges = fits(plan.localChanges, noRoomLocal, 'local');

      progress.phase = 'applying';
      this.emitProgress(progress);
      const { localResults, remoteResults } = await this.applyBoth(remote, plan, ancestor, scope);
      const failures: SyncFailure[] = [
        ...noRoom,
        ...localResults.filter((r) => r.status !== 'ok').map((r) => ({ ...r, side: 'local' as const })),
        ...remoteResults.filter((r) => r.status !== 'ok').map((r) => ({ ...r, side: 'workspace' as const })),
      ];
      const failed = new Set(failures.map((f) => f.path));
      const next = nextAncestor(ancestor, plan, failed);
      // An echo of our own changes or a no-op rescan moves nothing: the saved ancestor stays as it is.
      let changed = !(next.size === ancestor.size && [...next].every(([p, e]) => sameEntry(ancestor.get(p), e)));
      if (!scope) {
        changed ||= ancestor.size !== this.ancestor.size;
        if (changed) this.ancestor = next;
        this.lastFullAt = fullStarted;
      }
      const moved: string[] = [];
      if (scope && changed) {
        const merged: Manifest = new Map();
        for (const [p, e] of this.ancestor) if (!scope.has(p)) merged.set(p, e);
        for (const [p, e] of next) merged.set(p, e);
        for (const [p, e] of this.ancestor) if (scope.has(p) && !sameEntry(merged.get(p), e)) moved.push(p);
        for (const [p, e] of next) if (!sameEntry(this.ancestor.get(p), e)) moved.push(p);
        this.ancestor = merged;
      }
      if (scope && this.unsaved) {
        // A focused cycle (an edit) does not rewrite the whole ancestor: the paths it
        // moved stay named in doubt on disk until the ancestor is saved, soon after.
        for (const p of moved) this.unsaved.add(p);
        if (moved.some((p) => !this.recorded.has(p))) await this.recordInDoubt([]);
        if (this.unsaved.size > 0) this.saveAncestorSoon();
        else await this.settleAncestor();
      } else {
        if (changed || this.unsaved === undefined || this.unsaved.size > 0) await this.saveAncestorNow();
        await this.settleAncestor();
      }
      if (scope) this.local.saveCacheSoon();
      else await this.local.saveCache();

      progress.phase = 'done';
      progress.filesDone = progress.filesTotal - failures.length;
      this.emitProgress(progress);
      const report: SyncReport = {
        localChanges: localResults.filter((r) => r.status === 'ok').length,
        remoteChanges: remoteResults.filter((r) => r.status === 'ok').length,
        conflicts: plan.conflicts,
        problems: [
          ...localScan.problems.map((p) => ({ ...p, side: 'local' as const })),
          ...remoteScan.problems.map((p) => ({ ...p, side: 'workspace' as const })),
          ...plan.problems.map((p) => ({ ...p, side: 'both' as const })),
        ],
        failures,
        bytesUploaded,
        bytesDownloaded,
        durationMs: Date.now() - started,
      };
      if (report.conflicts.length > 0) this.log.info('sync kept conflicting versions', { conflicts: report.conflicts });
      for (const l of this.listeners.synced) l(report);
      return report;
    } finally {
      if (this.stateValue === 'syncing') this.setState(this.remote ? 'idle' : 'offline');
    }
  }

  /** True while the state folder names paths in doubt (see ancestor-store.ts). */
  private inDoubt = true;

  /** Record, durably, `paths` and every path whose ancestor is not saved yet as in doubt. */
  private async recordInDoubt(paths: readonly string[]): Promise<void> {
    const all = new Set([...paths, ...(this.unsaved ?? [])]);
    await saveInDoubt(this.local.stateDir, this.pair, [...all]);
    this.recorded.clear();
    for (const p of all) this.recorded.add(p);
    this.inDoubt = true;
  }

  private async saveAncestorNow(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await saveAncestor(this.local.stateDir, this.pair, this.ancestor);
    this.unsaved = new Set();
  }

  /** The saved ancestor holds every change: nothing is in doubt any more. */
  private async settleAncestor(): Promise<void> {
    if (!this.inDoubt) return;
    await clearInDoubt(this.local.stateDir);
    this.recorded.clear();
    this.inDoubt = false;
  }

  /** Save the ancestor within a second, between cycles (many edits, one save). */
  private saveAncestorSoon(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.queue = this.queue.then(() => this.flushAncestor());
    }, ANCESTOR_SAVE_DELAY_MS);
    this.saveTimer.unref?.();
  }

  private async flushAncestor(): Promise<void> {
    if (!this.unsaved || this.unsaved.size === 0) return;
    try {
      await this.saveAncestorNow();
      await this.settleAncestor();
    } catch (err) {
      // The record of paths in doubt still names every unsaved path; the next cycle tries again.
      this.log.warn('cannot save the ancestor', { err });
    }
  }

  /**
   * Apply a plan on both sides. The paths it changes are recorded as in doubt
   * first. Conflict copies are made before anything else, and the change a
   * copy protects is made only where the copy was made on both sides. Each
   * step applies on the workspace, then locally, and both stop together:
   * when the workspace's apply fails (an error, a lost answer) the local side
   * changes nothing, and when the local apply fails no further step runs on
   * the workspace. The paths sent are then in doubt, in memory and on disk,
   * so that what each side really holds decides the next cycle.
   */
  private async applyBoth(
    remote: RemoteReplica,
    plan: ReturnType<typeof reconcile>,
    ancestor: Manifest,
    scope: { has(p: string): boolean } | undefined,
  ): Promise<{ localResults: SyncChangeResult[]; remoteResults: SyncChangeResult[] }> {
    const changed = new Set([...plan.localChanges, ...plan.remoteChanges].map((c) => c.path));
    if (changed.size === 0) return { localResults: [], remoteResults: [] };
    await this.recordInDoubt([...changed]);
    const localResults: SyncChangeResult[] = [];
    const remoteResults: SyncChangeResult[] = [];
    const sent = new Set<string>();
    const run = async (local: SyncChange[], workspace: SyncChange[]): Promise<void> => {
      // The workspace first: when its apply fails (an error, a lost answer),
      // the local side has not started and makes no change at all.
      for (const c of workspace) sent.add(c.path);
      try {
        remoteResults.push(...(await remote.apply(workspace)));
      } catch (err) {
        await this.settleDoubt(ancestor, plan, scope, localResults, remoteResults, sent, changed);
        throw err;
      }
      try {
        localResults.push(...(await this.local.apply(local)));
      } catch (err) {
        // Unknown which local changes were made: every changed path is in doubt,
        // and no later step of this cycle runs on either side.
        await this.settleDoubt(ancestor, plan, scope, undefined, remoteResults, sent, changed);
        throw err;
      }
    };
    const copies = new Set(plan.conflicts.map((c) => c.copyPath));
    if (copies.size === 0) {
      await run(plan.localChanges, plan.remoteChanges);
      return { localResults, remoteResults };
    }
    await run(
      plan.localChanges.filter((c) => copies.has(c.path)),
      plan.remoteChanges.filter((c) => copies.has(c.path)),
    );
    const notMade = new Set([...localResults, ...remoteResults].filter((r) => r.status !== 'ok').map((r) => r.path));
    const protectedBy = new Map(plan.conflicts.map((c) => [c.path, c.copyPath]));
    const held = (c: SyncChange): boolean => {
      const copy = protectedBy.get(c.path);
      return copy !== undefined && notMade.has(copy);
    };
    const refuse = (c: SyncChange): SyncChangeResult => ({
      path: c.path,
      status: 'conflict',
      message: `${c.path} was not changed: its conflict copy ${protectedBy.get(c.path)} could not be made`,
    });
    const rest = (list: SyncChange[], out: SyncChangeResult[]): SyncChange[] => {
      const go: SyncChange[] = [];
      for (const c of list) {
        if (copies.has(c.path)) continue;
        if (held(c)) out.push(refuse(c));
        else go.push(c);
      }
      return go;
    };
    await run(rest(plan.localChanges, localResults), rest(plan.remoteChanges, remoteResults));
    return { localResults, remoteResults };
  }

  /**
   * After a failed apply: the ancestor keeps what is known. Paths the
   * workspace was asked to change (its answer lost) are in doubt and leave
   * the ancestor; local changes with a known result are settled (made: the
   * target; not made: the old entry). When the local result is unknown too,
   * every changed path is in doubt. Saved best-effort; the record of paths
   * in doubt stays on disk until a cycle completes.
   */
  private async settleDoubt(
    ancestor: Manifest,
    plan: ReturnType<typeof reconcile>,
    scope: { has(p: string): boolean } | undefined,
    localResults: SyncChangeResult[] | undefined,
    remoteResults: SyncChangeResult[],
    sent: ReadonlySet<string>,
    changed: ReadonlySet<string>,
  ): Promise<void> {
    const next: Manifest = new Map();
    for (const [p, e] of this.ancestor) if (!scope || !scope.has(p)) next.set(p, e);
    for (const [p, e] of ancestor) next.set(p, e);
    const localOk = new Map((localResults ?? []).map((r) => [r.path, r.status === 'ok']));
    const remoteOk = new Map(remoteResults.map((r) => [r.path, r.status === 'ok']));
    const localChanged = new Set(plan.localChanges.map((c) => c.path));
    const remoteChanged = new Set(plan.remoteChanges.map((c) => c.path));
    for (const p of changed) {
      if (!localResults || (sent.has(p) && !remoteOk.has(p))) {
        next.delete(p);
        continue;
      }
      const made = (!localChanged.has(p) || localOk.get(p) === true) && (!remoteChanged.has(p) || remoteOk.get(p) === true);
      if (!made) continue;
      const t = plan.target.get(p);
      if (t) next.set(p, t);
      else next.delete(p);
    }
    this.ancestor = next;
    await saveAncestor(this.local.stateDir, this.pair, next).catch((err: unknown) => this.log.warn('cannot save the ancestor', { err }));
  }

  private setState(s: SyncState): void {
    if (this.stateValue === s) return;
    this.stateValue = s;
    for (const l of this.listeners.state) l(s);
  }

  private emitProgress(p: SyncProgress): void {
    for (const l of this.listeners.progress) l({ ...p });
  }

  private listen<K extends keyof SyncSession['listeners']>(kind: K, l: Parameters<SyncSession['listeners'][K]['add']>[0]): () => void {
    const set = this.listeners[kind] as Set<typeof l>;
    set.add(l);
    return () => set.delete(l);
  }
}

/** True for an error that says a disk is full (ENOSPC, or a quota: EDQUOT), raw or restated by the jail or the workspace. */
export function isDiskFull(err: unknown): boolean {
  const errno = err instanceof ProtocolError ? (err.data as { errno?: string } | undefined)?.errno : (err as NodeJS.ErrnoException)?.code;
  return errno === 'ENOSPC' || errno === 'EDQUOT';
}

/** More changed paths than this make a full cycle instead of a focused one. */
const FOCUSED_MAX_PATHS = 200;

/** How long after a focused cycle the ancestor is saved (ms); the paths it moved are in doubt until then. */
const ANCESTOR_SAVE_DELAY_MS = 1000;

/** The paths a focused cycle scans (none inside another) and a test for what lies in its scope. */
function focusScope(paths: readonly string[]): { paths: string[]; has(p: string): boolean } {
  const sorted = [...new Set(paths)].sort();
  const roots: string[] = [];
  for (const p of sorted) if (!roots.some((r) => isWithin(p, r))) roots.push(p);
  const parents = new Set<string>();
  for (const r of roots) for (let q = parentPath(r); q !== undefined; q = parentPath(q)) parents.add(q);
  return { paths: roots, has: (p) => parents.has(p) || roots.some((r) => isWithin(p, r)) };
}

/** Content each new or changed file needs, except where the file keeps its content (a mode change). */
function contentNeeds(changes: readonly SyncChange[]): SyncContentNeed[] {
  const needs = new Map<string, SyncContentNeed>();
  for (const c of changes) {
    if (c.new?.kind !== 'file' || !c.new.hash) continue;
    if (c.old?.kind === 'file' && c.old.hash === c.new.hash) continue;
    needs.set(c.new.hash, { hash: c.new.hash, size: c.new.size ?? 0 });
  }
  return [...needs.values()];
}
