// Test fixture: the agent as its own process (`classpod-agent`), as the hub
// starts it. Killed with its process group after the test.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { agentCommandPath } from '../src';
import { defer, TOKEN } from './helpers';

export interface AgentProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  connectUrl: string;
  /** Everything it wrote to standard output. */
  stdout(): string;
  stderr(): string;
  /** Resident memory now (bytes), from /proc. */
  rss(): number;
}

/** Start `classpod-agent` with these arguments; resolves once it printed its address. */
export async function spawnAgent(args: string[], env: NodeJS.ProcessEnv = {}): Promise<AgentProcess> {
  const child = spawn(process.execPath, [agentCommandPath(), ...args], {
    env: { ...process.env, CLASSPOD_AGENT_TOKEN: TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  defer(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^listening on (http:\/\/\S+)\n/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`classpod-agent exited with ${code} before listening: ${err}`)));
  });
  return {
    child,
    pid: child.pid!,
    url,
    connectUrl: `${url.replace(/^http/, 'ws')}/v1/connect`,
    stdout: () => out,
    stderr: () => err,
    rss: () => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024,
  };
}
