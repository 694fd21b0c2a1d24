// How the hub learns that a student's assignment folder changed, whatever
// changed it (a sync from VS Code, an edit in the workspace terminal, a
// restore): while a workspace runs, the hub holds one connection of its own
// to its agent and opens the agent's sync replica of every assignment folder
// there, so the agent's watcher notifies it (`sync/changed`). A short quiet
// time after a change, the hub scans the folder (paths and hashes), fetches
// only the contents its blob store lacks, and records a version. The bytes
// are at the hub from then on: collecting at a deadline, browsing and
// restoring need no running workspace.
//
// A version stands for the time of the last change the hub was told of before
// its scan (hub clock), not the time the scan ran: an edit synced a second
// before a due time belongs before it, though the quiet time ends after it.
// A change made before a due time is recorded at that due time at the latest,
// quiet time or not. And `settle()` records at once whatever changes are still
// waiting, so the deadline collector never looks before they are in.
//
// This connection is not activity: it never touches the provider, so it
// never keeps a workspace from being stopped as idle. When the workspace
// stops, the connection ends; the next start opens a new one and records
// whatever changed meanwhile.

import { DEFAULT_IGNORE_PATTERNS, RemoteReplica } from '@classpod/sync';
import { ErrorCode, FileReadRequest, FileStatRequest, ProtocolError, SyncChangedNotification, type RpcEndpoint } from '@classpod/protocol';
import type { Counter, Logger } from '@classpod/observability';
import type { WebSocket } from 'ws';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';
import { BRIEF_IDLE_MS, connectToAgent } from '../workspaces/agent-file-access';
import { workspaceIdOf, type WorkspaceKey, type WorkspaceProvider } from '../workspaces/workspace-provider';
import { parseGroupOwner } from '../groups/work-owner';
import type { EditAuthors } from './edit-authors';
import { VersionNotRecorded, type ScannedFile, type VersionRecorder } from './version-recorder';

/** Largest batch of contents fetched in one `sync/get` (bytes); the agent's own pack limit is 16 MiB. */
const FETCH_BATCH_BYTES = 4 * 1024 * 1024;
const FETCH_BATCH_FILES = 1000;

export interface VersionWatcherOptions {
  store: Store;
  provider: WorkspaceProvider;
  recorder: VersionRecorder;
  logger: Logger;
  /** Quiet time after a change before the folder is scanned (ms). */
  debounceMs: number;
  /** How often a watched workspace is looked at for assignment folders that appeared (ms). */
  refreshMs: number;
  /** The hub's clock: the time a change was told of is the time its version stands for. */
  clock: Clock;
  /** Counts each look at a changed folder, by outcome (`recorded`, `unchanged`, `refused`, `failed`). */
  recorded?: Counter;
  /** Who edited each shared (group) workspace: each version of one names them. */
  edits?: EditAuthors;
}

/** One running workspace the hub watches. */
interface Watched {
  key: WorkspaceKey;
  ws: WebSocket;
  endpoint: RpcEndpoint;
  replicas: Map<string, RemoteReplica>;
  timers: Map<string, ReturnType<typeof setTimeout>>;
  /** The recording in progress per folder, and whether another is wanted after it. */
  busy: Map<string, Promise<void>>;
  again: Set<string>;
  /** Per folder, when the hub was last told of a change not recorded yet (hub clock). */
  changedAt: Map<string, Date>;
  /** Per folder, the student's due time (ms, hub clock), refreshed with the folders. */
  dueAt: Map<string, number>;
  refresh: ReturnType<typeof setInterval>;
  closed: boolean;
}

export class VersionWatcher {
  private readonly watched = new Map<string, Promise<Watched | undefined>>();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly o: VersionWatcherOptions) {}

  /** Watch every running workspace, and each one that starts from now on. */
  async start(): Promise<void> {
    this.unsubscribe = this.o.provider.onStatus((s) => {
      if (s.state === 'running') this.watch(s);
      else if (s.state === 'stopped' || s.state === 'stopping' || s.state === 'failed') void this.unwatch(s);
    });
    for (const course of await this.o.store.courses.list()) {
      for (const s of await this.o.provider.list(course.id).catch(() => [])) if (s.state === 'running') this.watch(s);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    const all = [...this.watched.values()];
    this.watched.clear();
    for (const w of await Promise.all(all.map((p) => p.catch(() => undefined)))) if (w) this.close(w);
  }

  /**
   * Record now, and wait for, every change of the course's watched folders (of
   * one assignment, when named) that is still waiting for its quiet time or
   * being recorded: the deadline collector calls this before it reads the history.
   */
  async settle(courseId: string, assignmentId?: string): Promise<void> {
    const all = await Promise.all([...this.watched.values()].map((p) => p.catch(() => undefined)));
    await Promise.all(
      all
        .filter((w): w is Watched => w !== undefined && !w.closed && w.key.courseId === courseId)
        .flatMap((w) =>
          [...w.replicas.keys()]
            .filter((a) => (assignmentId === undefined || a === assignmentId) && this.hasPendingIn(w, a))
            .map((a) => {
              const timer = w.timers.get(a);
              if (timer) clearTimeout(timer);
              w.timers.delete(a);
              return this.recordNow(w, a);
            }),
        ),
    );
  }

  /** Whether a change of the folder was notified and not recorded yet (or is being recorded). */
  async hasPending(key: WorkspaceKey, assignmentId: string): Promise<boolean> {
    const w = await this.watched.get(workspaceIdOf(key))?.catch(() => undefined);
    return w !== undefined && this.hasPendingIn(w, assignmentId);
  }

  private hasPendingIn(w: Watched, assignmentId: string): boolean {
    return w.timers.has(assignmentId) || w.busy.has(assignmentId) || w.changedAt.has(assignmentId);
  }

  /** Record every watched folder of a running workspace now, and wait for it (tests; before a planned stop). */
  async flush(key: WorkspaceKey): Promise<void> {
    const w = await this.watched.get(workspaceIdOf(key));
    if (!w) return;
    await this.findFolders(w);
    await Promise.all([...w.replicas.keys()].map((a) => this.recordNow(w, a)));
  }

  private watch(key: WorkspaceKey): void {
    const id = workspaceIdOf(key);
    if (this.stopped || this.watched.has(id)) return;
    const entry = this.open({ courseId: key.courseId, studentId: key.studentId }).catch((err: unknown) => {
      this.o.logger.warn('cannot watch a workspace for versions', { workspaceId: id, err });
      this.watched.delete(id);
      return undefined;
    });
    this.watched.set(id, entry);
  }

  private async unwatch(key: WorkspaceKey): Promise<void> {
    const id = workspaceIdOf(key);
    const entry = this.watched.get(id);
    this.watched.delete(id);
    const w = await entry;
    if (w) this.close(w);
  }

  private close(w: Watched): void {
    w.closed = true;
    clearInterval(w.refresh);
    for (const t of w.timers.values()) clearTimeout(t);
    w.ws.terminate();
  }

  private async open(key: WorkspaceKey): Promise<Watched | undefined> {
    // Only a running workspace is watched (never one being stopped: that would start it again);
    // asking for its endpoint this way never counts as activity.
    if ((await this.o.provider.status(key)).state !== 'running') return undefined;
    const agent = await this.o.provider.ensureRunning(key, { idleAfterMs: BRIEF_IDLE_MS });
    const { ws, endpoint } = await connectToAgent(workspaceIdOf(key), agent, { capabilities: ['files', 'sync'], name: 'hub-versions' });
    const w: Watched = {
      key,
      ws,
      endpoint,
      replicas: new Map(),
      timers: new Map(),
      busy: new Map(),
      again: new Set(),
      changedAt: new Map(),
      dueAt: new Map(),
      refresh: setInterval(() => void this.findFolders(w).catch(() => undefined), this.o.refreshMs),
      closed: false,
    };
    w.refresh.unref();
    endpoint.onClose(() => {
      this.close(w);
      if (this.watched.get(workspaceIdOf(key)) === entryOf) this.watched.delete(workspaceIdOf(key));
    });
    const entryOf = this.watched.get(workspaceIdOf(key));
    endpoint.onNotification(SyncChangedNotification.type, (p) => {
      if (!w.replicas.has(p.replicaId)) return;
      w.changedAt.set(p.replicaId, this.o.clock.now());
      this.schedule(w, p.replicaId);
    });
    await this.findFolders(w);
    for (const assignmentId of w.replicas.keys()) this.schedule(w, assignmentId, 0);
    return w;
  }

  /** Open the agent's replica of each assignment folder that exists and is not watched yet (a replica is never opened where no folder is). */
  private async findFolders(w: Watched): Promise<void> {
    const exts = new Map((await this.o.store.extensions.list(w.key.courseId)).filter((e) => e.studentId === w.key.studentId).map((e) => [e.assignmentId, e.dueAt]));
    for (const a of await this.o.store.assignments.list(w.key.courseId)) {
      const due = exts.get(a.id) ?? a.dueAt;
      if (due) w.dueAt.set(a.id, Date.parse(due));
      else w.dueAt.delete(a.id);
      if (w.closed || w.replicas.has(a.id)) continue;
      try {
        const stat = await w.endpoint.request(FileStatRequest.type, { path: a.id });
        if (stat.type !== 'directory') continue;
      } catch (err) {
        if (ProtocolError.is(err, 'NotFound')) continue;
        throw err;
      }
      const replica = await RemoteReplica.open(w.endpoint, a.id);
      w.replicas.set(replica.replicaId, replica);
      this.schedule(w, replica.replicaId, 0);
    }
  }

  private schedule(w: Watched, assignmentId: string, quietMs = this.o.debounceMs): void {
    if (w.closed) return;
    // A change before the due time is recorded at the due time at the latest, whatever the quiet time:
    // what the folder holds then is what the deadline collects.
    const untilDue = (w.dueAt.get(assignmentId) ?? -Infinity) - this.o.clock.now().getTime();
    const delay = untilDue > 0 ? Math.min(quietMs, untilDue) : quietMs;
    const old = w.timers.get(assignmentId);
    if (old) clearTimeout(old);
    const timer = setTimeout(() => {
      w.timers.delete(assignmentId);
      void this.recordNow(w, assignmentId);
    }, delay);
    timer.unref();
    w.timers.set(assignmentId, timer);
  }

  /** Record one folder; one recording at a time per folder, and one more if a change came meanwhile. */
  private recordNow(w: Watched, assignmentId: string): Promise<void> {
    const running = w.busy.get(assignmentId);
    if (running) {
      w.again.add(assignmentId);
      return running.then(() => w.busy.get(assignmentId));
    }
    const run = this.recordOnce(w, assignmentId).finally(() => {
      w.busy.delete(assignmentId);
      if (w.again.delete(assignmentId) && !w.closed) void this.recordNow(w, assignmentId);
    });
    w.busy.set(assignmentId, run);
    return run;
  }

  private async recordOnce(w: Watched, assignmentId: string): Promise<void> {
    const replica = w.replicas.get(assignmentId);
    if (!replica || w.closed) return;
    const key = { ...w.key, assignmentId };
    // Taken before the scan: a change told of while it runs is the next version's (and asks for one).
    const stateAt = w.changedAt.get(assignmentId);
    w.changedAt.delete(assignmentId);
    // A group's workspace is shared: the version names the members whose connections edited it (its one folder).
    const workspaceId = workspaceIdOf(w.key);
    const authors = this.o.edits && parseGroupOwner(w.key.studentId) ? this.o.edits.take(workspaceId) : [];
    let recordedOne = false;
    try {
      const { manifest } = await replica.scan(await this.ignorePatterns(w, assignmentId));
      const files: ScannedFile[] = [];
      for (const [path, e] of manifest) {
        if (e.kind === 'file' && e.hash) files.push({ path, sha256: e.hash, size: e.size ?? 0, executable: e.executable ?? false });
      }
      const version = await this.o.recorder.record(key, files, (missing) => fetchContents(replica, missing), stateAt, authors);
      recordedOne = version !== undefined;
      this.o.recorded?.inc(1, { outcome: version ? 'recorded' : 'unchanged' });
    } catch (err) {
      if (w.closed) return;
      // A failure (not a refusal) leaves the change waiting: the next look or settle() tries again, with its time.
      if (stateAt && !(err instanceof VersionNotRecorded) && !w.changedAt.has(assignmentId)) w.changedAt.set(assignmentId, stateAt);
      this.o.recorded?.inc(1, { outcome: err instanceof VersionNotRecorded ? 'refused' : 'failed' });
      if (err instanceof VersionNotRecorded) this.o.logger.warn('version not recorded', { ...key, reason: err.message });
      else this.o.logger.warn('recording a version failed', { ...key, err });
    } finally {
      // Nothing recorded (the edit's change not yet in the folder, or a failure): its authors belong to the next version.
      if (!recordedOne && authors.length > 0) this.o.edits?.restore(workspaceId, authors);
    }
  }

  /** The rules the extension scans with: the defaults and the folder's `.classpodignore`. */
  private async ignorePatterns(w: Watched, assignmentId: string): Promise<string[]> {
    try {
      const r = await w.endpoint.request(FileReadRequest.type, { path: `${assignmentId}/.classpodignore` });
      const extra = Buffer.from(r.contentBase64, 'base64')
        .toString('utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
        .slice(0, 900);
      return [...DEFAULT_IGNORE_PATTERNS, ...extra];
    } catch (err) {
      if (err instanceof ProtocolError && (err.code === ErrorCode.NotFound || ProtocolError.is(err, 'TooLarge'))) return [...DEFAULT_IGNORE_PATTERNS];
      throw err;
    }
  }
}

/** Contents by hash, fetched in packs (`sync/get`); a file that changed meanwhile is left out. */
async function fetchContents(replica: RemoteReplica, files: ScannedFile[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  let batch: ScannedFile[] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const got = await replica.get(batch.map((f) => ({ path: f.path, hash: f.sha256 })));
    for (const g of got) if (g.data) out.set(g.hash, g.data);
    batch = [];
    bytes = 0;
  };
  for (const f of files) {
    if (batch.length > 0 && (bytes + f.size > FETCH_BATCH_BYTES || batch.length >= FETCH_BATCH_FILES)) await flush();
    batch.push(f);
    bytes += f.size;
  }
  await flush();
  return out;
}
