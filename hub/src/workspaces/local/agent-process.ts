// One workspace's agent as a child process: started (sandboxed) with its
// token on standard input, watched for its `listening on …` line, checked on
// /readyz, restarted when it crashes, stopped with SIGTERM then SIGKILL. It
// owns the child process and the agent's socket file.
//
// A sandboxed agent listens on `/run/classpod/agent.sock`, in a folder of its
// own. As soon as it says so, and before any workspace process can exist, the
// hub moves that socket into a folder only the hub can reach; it connects
// there ever after. A workspace process can therefore neither reach its own
// agent nor put a socket of its own where the hub would present the token.
//
// A stop is complete when it resolves. Signalling bubblewrap itself would end
// only the outer bwrap process; the agent inside its PID namespace would die a
// moment later (by --die-with-parent), still answering connections the hub
// held open meanwhile. So the hub learns the host pid of the sandbox's first
// process (bwrap's --info-fd) and kills that one: the kernel ends every
// process of the namespace before the outer bwrap can reap it and exit.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from '@classpod/observability';
import type { AgentEndpoint, WorkspaceState } from '../workspace-provider';
import { sandboxCommand, type IsolationKind, type SandboxLayout } from './agent-sandbox';

/** Name of the socket the agent creates in its run folder. */
const SOCKET_NAME = 'agent.sock';

export interface AgentProcessOptions {
  workspaceId: string;
  layout: SandboxLayout;
  isolation: IsolationKind;
  /** Absolute path of the agent's CLI JavaScript file. */
  agentScript: string;
  /** Node options given before the script (agent-node-options.ts). */
  nodeOptions: readonly string[];
  /** Where the hub keeps this agent's socket once the agent listens (bubblewrap); a folder only the hub reaches. */
  hubSocketPath: string;
  /** Resolves to the host path of the execute-only node binary (bubblewrap). */
  nodeBinary?: () => Promise<string>;
  logger: Logger;
  /** How long to wait for the agent's first line and /readyz (ms). */
  readyTimeoutMs: number;
  /** Called on every state change. */
  onState: (state: WorkspaceState, reason?: string) => void;
}

/** Status of `GET /readyz` of an agent (over its unix socket when it has one). */
export function agentReadyz(endpoint: Pick<AgentEndpoint, 'httpUrl' | 'socketPath'>, timeoutMs = 2000): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const target = endpoint.socketPath ? { socketPath: endpoint.socketPath, path: '/readyz' } : new URL('/readyz', endpoint.httpUrl);
    const req = http.get(target as http.RequestOptions, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once('error', reject);
  });
}

/** Wait until the agent's /readyz answers 200, or throw after `timeoutMs` (the message names no host path). */
export async function waitUntilReady(endpoint: Pick<AgentEndpoint, 'httpUrl' | 'socketPath'>, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (signal?.aborted) throw new Error('cancelled');
    try {
      const status = await agentReadyz(endpoint);
      if (status === 200) return;
      last = `status ${status}`;
    } catch (err) {
      last = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the agent was not ready after ${timeoutMs} ms (${last})`);
}

/** A running (or stopped) agent. */
export class AgentProcess {
  private child: ChildProcess | undefined;
  private endpoint: AgentEndpoint | undefined;
  private stopping = false;
  private exited: Promise<void> = Promise.resolve();
  /** Host pid of the sandbox's first process (bubblewrap), once bwrap said it. */
  private sandboxPid: number | undefined;
  /** The socket of the last run being removed. */
  private socketRemoved: Promise<void> = Promise.resolve();
  /** When the current run started. */
  startedAt: Date | undefined;
  pid: number | undefined;

  constructor(private readonly o: AgentProcessOptions) {}

  get running(): boolean {
    return this.child !== undefined && this.endpoint !== undefined;
  }

  /** A fresh, empty run folder: nothing a previous run (or its workspace processes) left there survives. */
  private async freshRunDir(): Promise<void> {
    await fs.rm(this.o.layout.runDir, { recursive: true, force: true });
    await fs.mkdir(this.o.layout.runDir, { recursive: true, mode: 0o700 });
    await fs.rm(this.o.hubSocketPath, { force: true });
  }

  /** Start the agent and resolve with its endpoint once /readyz answers; a failure's message names no host path. */
  async start(): Promise<AgentEndpoint> {
    try {
      return await this.run();
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.syscall) this.o.logger.warn('agent not started', { workspaceId: this.o.workspaceId, err });
      throw e.syscall ? new Error(`preparing the workspace failed (${e.syscall}: ${e.code ?? 'error'})`) : err;
    }
  }

  private async run(): Promise<AgentEndpoint> {
    this.stopping = false;
    await this.socketRemoved;
    const token = randomBytes(32).toString('base64url');
    await fs.mkdir(this.o.layout.workspaceDir, { recursive: true });
    const sandboxed = this.o.isolation === 'bubblewrap';
    if (sandboxed) await this.freshRunDir();
    const layout: SandboxLayout = sandboxed && this.o.nodeBinary ? { ...this.o.layout, nodeBinary: await this.o.nodeBinary() } : this.o.layout;
    const probe = sandboxCommand(this.o.isolation, layout, ['x']);
    const listen = sandboxed ? ['--socket', `${probe.paths.runDir}/${SOCKET_NAME}`] : ['--listen', '127.0.0.1:0'];
    // Unsandboxed, the agent runs in a process group of its own (so stopping it ends its terminals) and would
    // outlive a hub killed with SIGKILL; bubblewrap's --die-with-parent covers the sandboxed one.
    const parentWatch = this.o.isolation === 'none' ? ['--parent-pid', String(process.pid)] : [];
    const argv = [probe.paths.node, ...this.o.nodeOptions, this.o.agentScript, '--root', probe.paths.root, ...listen, '--token-stdin', ...parentWatch];
    const cmd = sandboxCommand(this.o.isolation, layout, argv);
    // bwrap writes `{"child-pid": N}` on descriptor 3: the host pid of the sandbox's first process.
    const args = sandboxed ? ['--info-fd', '3', ...cmd.args] : cmd.args;
    const child = spawn(cmd.command, args, {
      stdio: sandboxed ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'],
      // A plain agent gets its own process group so stopping it also ends its terminals;
      // bubblewrap's PID namespace does that for a sandboxed one (and --die-with-parent).
      detached: this.o.isolation === 'none',
      // The workspace is the student's home (bubblewrap sets it inside the sandbox too): without HOME a shell
      // falls back to the home of the hub's account and runs that account's start-up files.
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', HOME: probe.paths.root, CLASSPOD_LOG_LEVEL: process.env.CLASSPOD_LOG_LEVEL ?? 'info' },
    });
    this.child = child;
    this.pid = child.pid;
    this.sandboxPid = undefined;
    if (sandboxed) this.readSandboxPid(child);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    // The token goes through a pipe the agent reads to its end before it listens: it is in no
    // file, environment or command line, and the pipe is empty before any workspace process runs.
    child.stdin!.once('error', () => undefined);
    child.stdin!.end(`${token}\n`);
    const log = this.o.logger.child({ workspaceId: this.o.workspaceId, pid: child.pid });
    createInterface({ input: child.stderr! }).on('line', (line) => log.debug('agent', { line: line.slice(0, 2000) }));
    child.once('exit', (code, signal) => {
      const wasRunning = this.endpoint !== undefined;
      this.child = undefined;
      this.endpoint = undefined;
      this.startedAt = undefined;
      this.sandboxPid = undefined;
      if (sandboxed) this.socketRemoved = fs.rm(this.o.hubSocketPath, { force: true }).catch(() => undefined);
      if (this.stopping) return;
      log.warn('agent exited', { code, signal, wasRunning });
      this.o.onState('failed', `agent exited (${signal ?? `code ${code}`})`);
    });
    try {
      const address = await this.listeningLine(child);
      let endpoint: AgentEndpoint;
      if (sandboxed) {
        if (address !== `unix:${probe.paths.runDir}/${SOCKET_NAME}`) throw new Error('the agent listens somewhere else than it was told');
        await this.takeSocket();
        endpoint = { url: `ws+unix://${this.o.hubSocketPath}:/v1/connect`, httpUrl: 'http://agent', socketPath: this.o.hubSocketPath, token };
      } else {
        if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(address)) throw new Error('the agent listens somewhere else than it was told');
        endpoint = { url: `${address.replace(/^http/, 'ws')}/v1/connect`, httpUrl: address, token };
      }
      await waitUntilReady(endpoint, this.o.readyTimeoutMs);
      this.endpoint = endpoint;
      this.startedAt = new Date();
      log.info('agent ready', { isolation: this.o.isolation });
      return this.endpoint;
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Remember the sandbox's pid from bwrap's info descriptor. */
  private readSandboxPid(child: ChildProcess): void {
    const info = child.stdio[3] as NodeJS.ReadableStream | null | undefined;
    if (!info) return;
    let text = '';
    const take = (): boolean => {
      try {
        const pid = (JSON.parse(text) as { 'child-pid'?: unknown })['child-pid'];
        // Only while this run's bwrap lives: its child cannot be reaped (nor its pid reused) before it.
        if (Number.isInteger(pid) && (pid as number) > 1 && this.child === child) this.sandboxPid = pid as number;
        return true;
      } catch {
        return false;
      }
    };
    info.setEncoding('utf8');
    info.on('data', (chunk: string) => {
      if (this.sandboxPid !== undefined || text.length > 4096) return;
      text += chunk;
      take();
    });
    info.on('error', () => undefined);
    info.on('end', () => {
      if (this.sandboxPid === undefined && this.child === child && !take()) {
        this.o.logger.warn('bubblewrap wrote no sandbox pid', { workspaceId: this.o.workspaceId });
      }
    });
  }

  /** The address of the agent's one `listening on …` line. */
  private listeningLine(child: ChildProcess): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`agent printed no address within ${this.o.readyTimeoutMs} ms`)), this.o.readyTimeoutMs);
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        const m = /^listening on (http:\/\/\S+|unix:\/\S+)$/.exec(line.trim());
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`agent exited before it was ready (${signal ?? `code ${code}`})`));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`agent did not start (${(err as NodeJS.ErrnoException).code ?? err.message})`));
      });
    });
  }

  /** Move the agent's socket out of its run folder into the hub's own. */
  private async takeSocket(): Promise<void> {
    const created = join(this.o.layout.runDir, SOCKET_NAME);
    const st = await fs.lstat(created);
    if (!st.isSocket()) throw new Error('the agent made no socket');
    await fs.rename(created, this.o.hubSocketPath);
  }

  get agentEndpoint(): AgentEndpoint | undefined {
    return this.endpoint;
  }

  /**
   * Resolves when the agent and every process of its workspace are gone. A
   * plain agent's process group gets SIGTERM, then SIGKILL after `graceMs`;
   * a sandbox is killed whole (its first process, hence its PID namespace).
   */
  async stop(graceMs = 5000): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.stopping = true;
    this.endpoint = undefined;
    const sandboxPid = this.sandboxPid;
    const signal = (sig: NodeJS.Signals): void => {
      try {
        if (this.o.isolation === 'none' && child.pid) process.kill(-child.pid, sig);
        // The outer bwrap is still running (its exit was not seen), so this pid is still its child's.
        else if (sandboxPid !== undefined && this.child === child) process.kill(sandboxPid, 'SIGKILL');
        else child.kill(sig);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    await this.socketRemoved;
  }
}
