// Keeps one local assignment folder in sync with the same folder in the
// student's workspace: a SyncSession from the sync package, attached to the
// workspace connection each time it comes up and detached when it drops, and
// a status (synced / syncing N files / offline — edits kept / conflicts: N)
// for the status bar. Conflicts are the conflict copies present in the
// folder, so deleting a copy resolves it.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '@classpod/observability';
import { looksLikeConflictCopy, NEVER_WATCHED, SyncSession, type SyncProgress, type SyncReport } from '@classpod/sync';
import { DisposableStore, Emitter, type Disposable, type Event } from '../emitter';
import type { ReconnectingConnection } from '../connection/reconnecting-connection';
import { summariseSync, type SyncStatus } from './sync-status';

export interface AssignmentSyncOptions {
  /** The local folder. */
  folder: string;
  /** The assignment's folder in the workspace, relative to the workspace root. */
  remoteRoot: string;
  /** Folder for sync state (outside `folder`). */
  stateDir: string;
  /** Extra ignore patterns (setting `classpod.ignore`). */
  ignore: string[];
  connection: Pick<ReconnectingConnection, 'endpoint' | 'onDidConnect' | 'onDidChangeState' | 'ready' | 'state' | 'retryNow'>;
  logger: Logger;
  /** Passed to the session (tests shorten them). */
  debounceMs?: number;
  rescanIntervalMs?: number;
}

/** A conflict copy beside its original. */
export interface ConflictCopy {
  /** Relative path of the copy. */
  copy: string;
  /** Relative path of the file it conflicts with. */
  original: string;
}

export class AssignmentSync implements Disposable {
  private progress: SyncProgress | undefined;
  private conflictCopies: ConflictCopy[] = [];
  /** Files the last cycle could not place because the workspace disk is full. */
  private diskFull: string[] = [];
  private lastStatus: SyncStatus = { kind: 'offline' };
  private readonly store = new DisposableStore();
  private readonly statusEmitter = new Emitter<SyncStatus>();
  private readonly reports = new Emitter<SyncReport>();
  /** Fires when the summary changes. */
  readonly onDidChangeStatus: Event<SyncStatus> = this.statusEmitter.event;
  /** Fires after each sync cycle. */
  readonly onDidSync: Event<SyncReport> = this.reports.event;

  private constructor(
    private readonly session: SyncSession,
    readonly options: AssignmentSyncOptions,
  ) {}

  /** Open the session and follow the workspace connection. */
  static async start(options: AssignmentSyncOptions): Promise<AssignmentSync> {
    await fs.mkdir(options.stateDir, { recursive: true });
    const session = await SyncSession.open({
      root: options.folder,
      stateDir: options.stateDir,
      remoteRoot: options.remoteRoot,
      ignore: options.ignore,
      logger: options.logger,
      // An edit is activity: a workspace the hub paused for idleness starts again to take it.
      onLocalChange: () => {
        const s = options.connection.state;
        if (s.kind === 'offline' && s.error.problem === 'paused') options.connection.retryNow();
      },
      ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
      ...(options.rescanIntervalMs !== undefined ? { rescanIntervalMs: options.rescanIntervalMs } : {}),
    });
    const sync = new AssignmentSync(session, options);
    sync.wire();
    await sync.refreshConflicts();
    const endpoint = options.connection.endpoint;
    if (endpoint) void sync.attach(endpoint);
    return sync;
  }

  get status(): SyncStatus {
    return this.lastStatus;
  }

  get conflicts(): readonly ConflictCopy[] {
    return this.conflictCopies;
  }

  get folder(): string {
    return this.options.folder;
  }

  /**
   * Run a full cycle now and return what it did; waits for the workspace
   * connection first. Used before a submission so the snapshot holds the
   * latest edits.
   */
  async syncNow(): Promise<SyncReport> {
    if (this.session.state === 'offline') {
      const endpoint = await this.options.connection.ready();
      await this.attach(endpoint);
    }
    const report = await this.session.syncNow();
    await this.refreshConflicts();
    return report;
  }

  async close(): Promise<void> {
    this.store.dispose();
    await this.session.close();
    this.statusEmitter.dispose();
    this.reports.dispose();
  }

  dispose(): void {
    void this.close();
  }

  private wire(): void {
    const { connection, logger } = this.options;
    this.store.add(connection.onDidConnect(({ endpoint }) => void this.attach(endpoint)));
    this.store.add(
      connection.onDidChangeState((s) => {
        if (s.kind === 'offline') this.session.detach();
      }),
    );
    const offState = this.session.onState(() => this.update());
    const offProgress = this.session.onProgress((p) => {
      this.progress = p;
      this.update();
    });
    const offSynced = this.session.onSynced((report) => {
      if (report.conflicts.length > 0) logger.warn('sync conflicts', { conflicts: report.conflicts.map((c) => c.path) });
      this.diskFull = report.failures.filter((f) => f.diskFull && f.side === 'workspace').map((f) => f.path);
      if (this.diskFull.length > 0) logger.warn('the workspace disk is full', { files: this.diskFull });
      void this.refreshConflicts().then(() => this.reports.fire(report));
    });
    const offError = this.session.onError((err) => logger.warn('sync failed', { err }));
    this.store.add({ dispose: () => [offState, offProgress, offSynced, offError].forEach((f) => f()) });
  }

  private async attach(endpoint: Parameters<SyncSession['attach']>[0]): Promise<void> {
    try {
      await this.session.attach(endpoint);
    } catch (err) {
      this.options.logger.warn('sync could not attach to the workspace', { err });
    }
  }

  private async refreshConflicts(): Promise<void> {
    const found: ConflictCopy[] = [];
    const walk = async (rel: string, budget: { left: number }): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(path.join(this.options.folder, rel), { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (--budget.left < 0) return;
        const child = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          // Folders sync never watches hold no conflict copies of its making.
          if (!NEVER_WATCHED.has(e.name)) await walk(child, budget);
        } else if (looksLikeConflictCopy(child)) {
          found.push({ copy: child, original: child.replace(/\.conflict-(local|workspace)-\d{8}-\d{6}(-\d+)?/, '') });
        }
      }
    };
    await walk('', { left: 20_000 });
    this.conflictCopies = found.sort((a, b) => a.copy.localeCompare(b.copy));
    this.update();
  }

  private update(): void {
    const next = summariseSync(this.session.state, this.progress, this.conflictCopies.length, this.diskFull);
    if (JSON.stringify(next) === JSON.stringify(this.lastStatus)) return;
    this.lastStatus = next;
    this.statusEmitter.fire(next);
  }
}
