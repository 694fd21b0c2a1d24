// The `classpod-hub` program as tests run it: `serve` as a child process that
// announces `listening on URL`, and the administration commands run once, the
// way an administrator runs them. The program's path is resolved when a test
// asks for it (from the installed @classpod/hub package), so this package
// imports nothing of the hub and a suite that never starts a hub needs none.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

/** The `classpod-hub` program's script, run with `node`. */
export function hubProgramPath(): string {
  return path.join(path.dirname(require.resolve('@classpod/hub/package.json')), 'dist', 'src', 'cli', 'classpod-hub.js');
}

/** Run `classpod-hub ARGS` to its end; resolves to its standard output, throws with its standard error on failure. */
export function runHubCommand(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(process.execPath, [hubProgramPath(), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`classpod-hub ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** The token that `classpod-hub tokens issue` printed. */
export function tokenFrom(output: string): string {
  const m = /(cp_[A-Za-z0-9_-]{43})/.exec(output);
  if (!m) throw new Error(`no token in: ${output}`);
  return m[1]!;
}

/** How to start `classpod-hub serve`. */
export interface ServeOptions {
  /** The whole environment of the hub. */
  env: NodeJS.ProcessEnv;
  /** Let the hub die with the test process, even when that is killed without warning (`setpriv --pdeathsig KILL`). */
  dieWithTest?: boolean;
  /** Called with the child as soon as it exists, to read its standard error from the first byte. */
  onSpawn?: (child: ChildProcess) => void;
  /** What to add to the error when the hub exits before it listens (the end of its log). */
  exitDetail?: () => string;
}

/**
 * Start `classpod-hub serve ARGS` and wait (30 s at most) until it says where
 * it listens. Resolves to the child and its `http://HOST:PORT`; a hub that
 * exits first rejects, and one that stays silent is killed and rejects.
 */
export async function startHubServing(args: string[], options: ServeOptions): Promise<{ child: ChildProcess; url: string }> {
  const node = [process.execPath, hubProgramPath(), 'serve', ...args];
  const [command, ...rest] = options.dieWithTest ? ['setpriv', '--pdeathsig', 'KILL', ...node] : node;
  const child = spawn(command!, rest, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env });
  options.onSpawn?.(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the hub did not start within 30 s'));
    }, 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const detail = options.exitDetail?.();
      reject(new Error(`the hub exited with code ${code} before listening${detail ? `: ${detail}` : ''}`));
    });
  });
  return { child, url };
}
