// One workspace's agent as a child process: started (sandboxed), watched for
// its `listening on http://HOST:PORT` line, checked on /readyz, restarted when
// it crashes, stopped with SIGTERM then SIGKILL. It owns the child process.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from '@classpod/protocol';
import type { AgentEndpoint, WorkspaceState } from '../workspace-provider';
import { sandboxCommand, type IsolationKind, type SandboxLayout } from './agent-sandbox';

export interface AgentProcessOptions {
  workspaceId: string;
  layout: SandboxLayout;
  isolation: IsolationKind;
  /** Absolute path of the agent's CLI JavaScript file. */
  agentScript: string;
  logger: Logger;
  /** How long to wait for the agent's first line and /readyz (ms). */
  readyTimeoutMs: number;
  /** Called on every state change. */
  onState: (state: WorkspaceState, reason?: string) => void;
}

/** Wait until `GET url` answers 200, or throw after `timeoutMs`. */
export async function waitUntilReady(url: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (signal?.aborted) throw new Error('cancelled');
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}

/** A running (or stopped) agent. */
export class AgentProcess {
  private child: ChildProcess | undefined;
  private endpoint: AgentEndpoint | undefined;
  private stopping = false;
  private exited: Promise<void> = Promise.resolve();
  /** When the current run started. */
  startedAt: Date | undefined;
  pid: number | undefined;

  constructor(private readonly o: AgentProcessOptions) {}

  get running(): boolean {
    return this.child !== undefined && this.endpoint !== undefined;
  }

  /** Start the agent and resolve with its endpoint once /readyz answers. */
  async start(): Promise<AgentEndpoint> {
    this.stopping = false;
    const token = randomBytes(32).toString('base64url');
    await mkdir(this.o.layout.runDir, { recursive: true, mode: 0o700 });
    await mkdir(this.o.layout.workspaceDir, { recursive: true });
    await writeFile(join(this.o.layout.runDir, 'agent-token'), token + '\n', { mode: 0o600 });
    const probe = sandboxCommand(this.o.isolation, this.o.layout, ['x']);
    const argv = [process.execPath, this.o.agentScript, '--root', probe.paths.root, '--listen', '127.0.0.1:0', '--token-file', join(probe.paths.runDir, 'agent-token')];
    const cmd = sandboxCommand(this.o.isolation, this.o.layout, argv);
    const child = spawn(cmd.command, cmd.args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      // A plain agent gets its own process group so stopping it also ends its terminals;
      // bubblewrap's PID namespace does that for a sandboxed one (and --die-with-parent).
      detached: this.o.isolation === 'none',
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', CLASSPOD_LOG_LEVEL: process.env.CLASSPOD_LOG_LEVEL ?? 'info' },
    });
    this.child = child;
    this.pid = child.pid;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const log = this.o.logger.child({ workspaceId: this.o.workspaceId, pid: child.pid });
    createInterface({ input: child.stderr! }).on('line', (line) => log.debug('agent', { line: line.slice(0, 2000) }));
    child.once('exit', (code, signal) => {
      const wasRunning = this.endpoint !== undefined;
      this.child = undefined;
      this.endpoint = undefined;
      this.startedAt = undefined;
      if (this.stopping) return;
      log.warn('agent exited', { code, signal, wasRunning });
      this.o.onState('failed', `agent exited (${signal ?? `code ${code}`})`);
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`agent printed no address within ${this.o.readyTimeoutMs} ms`)), this.o.readyTimeoutMs);
        const lines = createInterface({ input: child.stdout! });
        lines.on('line', (line) => {
          const m = /^listening on (http:\/\/\S+)$/.exec(line.trim());
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
          reject(err);
        });
      });
      await waitUntilReady(`${url}/readyz`, this.o.readyTimeoutMs);
      this.endpoint = { url: `${url.replace(/^http/, 'ws')}/v1/connect`, httpUrl: url, token };
      this.startedAt = new Date();
      log.info('agent ready', { url, isolation: this.o.isolation });
      return this.endpoint;
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  get agentEndpoint(): AgentEndpoint | undefined {
    return this.endpoint;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 5000): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.stopping = true;
    this.endpoint = undefined;
    const signal = (sig: NodeJS.Signals): void => {
      try {
        if (this.o.isolation === 'none' && child.pid) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
