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

/** Start `classpod-agent` with these arguments (and `stdin` written to its standard input, then closed); resolves once it printed its address. */
export async function spawnAgent(args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string): Promise<AgentProcess> {
  const child = spawn(process.execPath, [agentCommandPath(), ...args], {
    env: { ...process.env, CLASSPOD_AGENT_TOKEN: TOKEN, ...env },
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  if (stdin !== undefined) child.stdin!.end(stdin);
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
      const m = /^listening on (http:\/\/\S+|unix:\/\S+)\n/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`classpod-agent exited with ${code} before listening: ${err}`)));
  });
  return {
    child,
    pid: child.pid!,
    url,
    connectUrl: url.startsWith('unix:') ? `ws+unix://${url.slice('unix:'.length)}:/v1/connect` : `${url.replace(/^http/, 'ws')}/v1/connect`,
    stdout: () => out,
    stderr: () => err,
    rss: () => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024,
  };
}
