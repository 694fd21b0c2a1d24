// The `local` workspace provider: one agent child process per workspace over a
// folder of the data folder (`<data>/workspaces/<course>/<student>`). Agents
// run sandboxed with bubblewrap when the machine allows it, each without a
// network, reached through a unix socket in a folder only the hub can enter
// (`<data>/run/sockets`); a crashed agent is restarted (a few times); an idle
// one is stopped and started again on the next connection, its files kept.
// The hub never opens a workspace folder itself: its file access goes
// through the agents (agent-file-access.ts).

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, hostname, tmpdir, totalmem } from 'node:os';
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from '@classpod/observability';
import { Backoff } from '@classpod/protocol';
import {
  workspaceIdOf,
  type AgentEndpoint,
  type ClusterNode,
  type WorkspaceKey,
  type WorkspaceProvider,
  type WorkspaceState,
  type WorkspaceStatus,
  type WorkspaceStatusListener,
} from '../workspace-provider';
import { ProcessUsageSampler } from './process-usage';
import { ActivityTracker, pausedReason } from '../activity-tracker';
import { AgentProcess } from './agent-process';
import { bubblewrapWorks, type IsolationKind } from './agent-sandbox';
import { AGENT_NODE_OPTIONS } from './agent-node-options';
import { ensureExecuteOnlyNode } from './execute-only-node';

/** Pauses before restarting a crashed agent: 200 ms, doubling with each crash in the restart window. */
const RESTART_BACKOFF = { initialMs: 200, maxMs: 30_000 };

/** Longest unix socket path the kernel takes. */
const MAX_SOCKET_PATH_BYTES = 107;

/** The hub's run folder: `<data>/run`, or a private folder under the system's temporary folder when socket paths there would be too long (or hold a `:`, which `ws+unix:` URLs cannot carry). */
function runFolderFor(dataDir: string): { dir: string; owned: boolean } {
  const preferred = join(dataDir, 'run');
  const longest = join(preferred, 'sockets', `${'0'.repeat(32)}.sock`);
  if (Buffer.byteLength(longest) <= MAX_SOCKET_PATH_BYTES && !longest.includes(':')) return { dir: preferred, owned: false };
  return { dir: mkdtempSync(join(tmpdir(), 'classpod-run-')), owned: true };
}

export interface LocalProviderOptions {
  /** The hub's data folder. */
  dataDir: string;
  logger: Logger;
  /** `auto` (bubblewrap when it works, else a plain process with a warning), `bubblewrap`, or `none`. */
  isolation?: 'auto' | IsolationKind;
  /** Stop a workspace nobody used for this long (ms), unless its course sets its own time; ignored with `activity`. */
  idleStopMs?: number;
  /** Where activity is recorded (default: a tracker of its own with `idleStopMs`). */
  activity?: ActivityTracker;
  /** How often idle workspaces are looked for (ms). */
  idleCheckMs?: number;
  /** Waiting for an agent to be ready (ms). */
  readyTimeoutMs?: number;
  /** Restarts after crashes within `restartWindowMs` before giving up. */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** The workspace agent's program (a JavaScript file run with Node), passed in by whoever composes the hub. */
  agentScript: string;
  /** Node options the agents run with (default AGENT_NODE_OPTIONS). */
  agentNodeOptions?: readonly string[];
}

interface Entry {
  key: WorkspaceKey;
  process: AgentProcess;
  state: WorkspaceState;
  reason?: string;
  starting?: Promise<AgentEndpoint>;
  crashes: number[];
  restartDelay: Backoff;
}

/** The monorepo (or installation) folder holding the agent's code and node_modules. */
function codeRootOf(script: string): string {
  let dir = dirname(script);
  let found = dirname(script);
  while (dir !== dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) found = dir;
    dir = dirname(dir);
  }
  return found;
}

export class LocalWorkspaceProvider implements WorkspaceProvider {
  readonly kind = 'local' as const;
  readonly isolation: IsolationKind;
  private readonly entries = new Map<string, Entry>();
  /** CPU and memory of each running workspace's processes, for its status. */
  private readonly usage = new ProcessUsageSampler();
  private readonly listeners = new Set<WorkspaceStatusListener>();
  private idleTimer: ReturnType<typeof setInterval> | undefined;
  private readonly agentScript: string;
  private readonly o: Required<Omit<LocalProviderOptions, 'isolation' | 'agentScript' | 'activity' | 'idleStopMs' | 'agentNodeOptions'>>;
  private readonly agentNodeOptions: readonly string[];
  readonly activity: ActivityTracker;
  private disposed = false;
  /** `<data>/run` (or its stand-in): per-workspace socket folders, the hub's sockets, the execute-only node. */
  private readonly run: { dir: string; owned: boolean };
  private nodeCopy: Promise<string> | undefined;

  constructor(options: LocalProviderOptions) {
    this.o = {
      dataDir: resolve(options.dataDir),
      logger: options.logger,
      idleCheckMs: options.idleCheckMs ?? 60_000,
      readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
      maxRestarts: options.maxRestarts ?? 3,
      restartWindowMs: options.restartWindowMs ?? 60_000,
    };
    this.activity = options.activity ?? new ActivityTracker(options.idleStopMs !== undefined ? { idleStopMs: options.idleStopMs } : {});
    this.agentScript = options.agentScript;
    this.agentNodeOptions = options.agentNodeOptions ?? AGENT_NODE_OPTIONS;
    const wanted = options.isolation ?? 'auto';
    if (wanted === 'none') this.isolation = 'none';
    else if (bubblewrapWorks()) this.isolation = 'bubblewrap';
    else if (wanted === 'bubblewrap') throw new Error('bubblewrap was asked for but `bwrap` is missing or cannot create namespaces here');
    else {
      this.isolation = 'none';
      this.o.logger.warn('bubblewrap is not available: workspace agents run as plain processes and students can read each other’s files', {});
    }
    this.run = runFolderFor(this.o.dataDir);
    for (const d of [this.run.dir, join(this.run.dir, 'sockets'), join(this.run.dir, 'workspaces')]) mkdirSync(d, { recursive: true, mode: 0o700 });
  }

  /** The execute-only node the sandboxed agents run from (made once per provider). */
  private executeOnlyNode(): Promise<string> {
    this.nodeCopy ??= ensureExecuteOnlyNode(this.run.dir).catch((err: unknown) => {
      this.nodeCopy = undefined;
      throw err;
    });
    return this.nodeCopy;
  }

  /** The folder of a workspace on this machine. */
  workspaceDir(key: WorkspaceKey): string {
    return join(this.o.dataDir, 'workspaces', key.courseId, key.studentId);
  }

  private entry(key: WorkspaceKey): Entry {
    const id = workspaceIdOf(key);
    let e = this.entries.get(id);
    if (!e) {
      const created: Entry = {
        key,
        state: 'stopped',
        crashes: [],
        restartDelay: new Backoff(RESTART_BACKOFF),
        process: new AgentProcess({
          workspaceId: id,
          isolation: this.isolation,
          agentScript: this.agentScript,
          nodeOptions: this.agentNodeOptions,
          logger: this.o.logger,
          readyTimeoutMs: this.o.readyTimeoutMs,
          layout: {
            workspaceDir: this.workspaceDir(key),
            runDir: join(this.run.dir, 'workspaces', id),
            dataDir: this.o.dataDir,
            codeDirs: [codeRootOf(this.agentScript)],
          },
          hubSocketPath: join(this.run.dir, 'sockets', `${createHash('sha256').update(id).digest('hex').slice(0, 32)}.sock`),
          nodeBinary: () => this.executeOnlyNode(),
          onState: (state, reason) => this.onCrash(created, state, reason),
        }),
      };
      e = created;
      this.entries.set(id, e);
    }
    return e;
  }

  private setState(e: Entry, state: WorkspaceState, reason?: string): void {
    e.state = state;
    e.reason = reason;
    const status = this.statusOf(e);
    for (const l of this.listeners) {
      try {
        l(status);
      } catch (err) {
        this.o.logger.error('workspace status listener failed', { err });
      }
    }
  }

  private onCrash(e: Entry, state: WorkspaceState, reason?: string): void {
    if (this.disposed) return;
    this.setState(e, state, reason);
    const now = Date.now();
    e.crashes = e.crashes.filter((t) => now - t < this.o.restartWindowMs);
    // The first crash after a quiet restart window waits the shortest pause again.
    if (e.crashes.length === 0) e.restartDelay.reset();
    e.crashes.push(now);
    if (e.crashes.length > this.o.maxRestarts) {
      this.o.logger.error('agent keeps crashing; not restarting it until the next connection', { workspaceId: workspaceIdOf(e.key) });
      return;
    }
    const delay = e.restartDelay.next();
    setTimeout(() => {
      if (this.disposed || e.state !== 'failed') return;
      this.ensureRunning(e.key).catch((err: Error) => this.o.logger.warn('restart failed', { workspaceId: workspaceIdOf(e.key), err }));
    }, delay).unref();
  }

  private statusOf(e: Entry): WorkspaceStatus {
    return {
      ...e.key,
      workspaceId: workspaceIdOf(e.key),
      state: e.state,
      ...(e.reason ? { reason: e.reason } : {}),
      node: hostname(),
      ...(e.process.startedAt ? { startedAt: e.process.startedAt.toISOString() } : {}),
      ...(e.state === 'running' && e.process.pid !== undefined ? (this.usage.sample(e.process.pid) ?? {}) : {}),
    };
  }

  async start(): Promise<void> {
    let checking = false;
    this.idleTimer = setInterval(() => {
      if (checking || this.disposed) return;
      checking = true;
      this.stopIdle()
        .catch((err: Error) => this.o.logger.warn('idle workspaces not stopped', { err }))
        .finally(() => {
          checking = false;
        });
    }, this.o.idleCheckMs);
    this.idleTimer.unref();
  }

  async ensureCourse(): Promise<void> {
    // Local workspaces share nothing per course.
  }

  async exists(key: WorkspaceKey): Promise<boolean> {
    // The hub's own folder: a workspace process cannot replace it (it is the sandbox's root).
    return existsSync(this.workspaceDir(key));
  }

  async ensureRunning(key: WorkspaceKey, options: { signal?: AbortSignal; idleAfterMs?: number } = {}): Promise<AgentEndpoint> {
    if (this.disposed) throw new Error('the workspace provider was disposed');
    const e = this.entry(key);
    const ready = e.process.agentEndpoint;
    if (ready && e.state === 'running') {
      if (options.idleAfterMs === undefined) this.activity.record(key);
      return ready;
    }
    // Started only for the hub's own file access: idle soon, unless someone connects meanwhile.
    this.activity.started(key, e.starting ? undefined : options.idleAfterMs);
    if (!e.starting) {
      this.setState(e, 'starting');
      e.starting = e.process
        .start()
        .then((endpoint) => {
          this.setState(e, 'running');
          return endpoint;
        })
        .catch((err: Error) => {
          this.setState(e, 'failed', err.message);
          throw err;
        })
        .finally(() => {
          e.starting = undefined;
        });
    }
    const starting = e.starting;
    if (!options.signal) return starting;
    return Promise.race([
      starting,
      new Promise<never>((_, reject) => options.signal!.addEventListener('abort', () => reject(new Error('cancelled')), { once: true })),
    ]);
  }

  /** Stop the workspace; `reason` (an idle stop's) goes with its `stopping` status, before the agent ends. */
  async stop(key: WorkspaceKey, reason?: string): Promise<void> {
    const e = this.entry(key);
    if (e.starting) await e.starting.catch(() => undefined);
    if (e.state === 'stopped') return;
    this.setState(e, 'stopping', reason);
    await e.process.stop();
    this.activity.forget(key);
    this.setState(e, 'stopped');
  }

  async status(key: WorkspaceKey): Promise<WorkspaceStatus> {
    return this.statusOf(this.entry(key));
  }

  async list(courseId: string): Promise<WorkspaceStatus[]> {
    const dir = join(this.o.dataDir, 'workspaces', courseId);
    const students = existsSync(dir) ? (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name) : [];
    for (const e of this.entries.values()) if (e.key.courseId === courseId && !students.includes(e.key.studentId)) students.push(e.key.studentId);
    return students.sort().map((studentId) => this.statusOf(this.entry({ courseId, studentId })));
  }

  async nodes(): Promise<ClusterNode[]> {
    const running = [...this.entries.values()].filter((e) => e.state === 'running' || e.state === 'starting').length;
    return [
      {
        name: hostname(),
        ready: true,
        cpuCapacityMillicores: cpus().length * 1000,
        memoryCapacityBytes: totalmem(),
        cpuAllocatableMillicores: cpus().length * 1000,
        memoryAllocatableBytes: totalmem(),
        workspaces: running,
      },
    ];
  }

  onStatus(listener: WorkspaceStatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  touch(key: WorkspaceKey): void {
    this.activity.record(key);
  }

  /** Stop the running workspaces the activity tracker finds idle at `now`; resolves to the ids stopped. */
  async stopIdle(now = Date.now()): Promise<string[]> {
    const stopped: string[] = [];
    for (const e of [...this.entries.values()]) {
      if (e.state !== 'running' || e.starting) continue;
      let idle: boolean;
      try {
        idle = await this.activity.isIdle(e.key, now);
      } catch (err) {
        this.o.logger.warn('idle time of a course not read', { workspaceId: workspaceIdOf(e.key), err });
        continue;
      }
      if (!idle || e.state !== 'running' || e.starting) continue;
      const idleMs = this.activity.idleFor(e.key, now) ?? 0;
      const idleLimitMs = await this.activity.idleLimit(e.key);
      this.o.logger.info('stopping idle workspace', { workspaceId: workspaceIdOf(e.key), idleMs, idleLimitMs });
      await this.stop(e.key, pausedReason(idleLimitMs));
      stopped.push(workspaceIdOf(e.key));
    }
    return stopped;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.idleTimer) clearInterval(this.idleTimer);
    await Promise.all([...this.entries.values()].map((e) => e.process.stop()));
    this.listeners.clear();
    if (this.run.owned) rmSync(this.run.dir, { recursive: true, force: true });
  }
}

