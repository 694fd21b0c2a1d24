// The hub as a separate process (`classpod-hub serve`), so a test can kill it
// without warning and start it again on the same data folder; and the
// `classpod-hub` administration commands run the way an administrator runs them.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { bestSandbox } from './test-worker';

export const HUB_CLI = join(__dirname, '../../src/cli/classpod-hub.js');

/** Run an administration command; resolves to its standard output, throws on failure. */
export function hubCli(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(process.execPath, [HUB_CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`classpod-hub ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** The token printed by `tokens issue`. */
export function tokenFrom(output: string): string {
  const m = /(cp_[A-Za-z0-9_-]{43})/.exec(output);
  if (!m) throw new Error(`no token in: ${output}`);
  return m[1]!;
}

export class HubProcess {
  private constructor(readonly child: ChildProcess, readonly url: string, private readonly stderr: { text: string }) {}

  /** The end of what the hub wrote to standard error (its log at `error` level, and a crash's stack). */
  get stderrTail(): string {
    return this.stderr.text;
  }

  /** True while the process has neither exited nor been killed by a signal. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  static async start(dataDir: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<HubProcess> {
    const child = spawn(process.execPath, [HUB_CLI, 'serve', '--data', dataDir, '--port', '0', '--isolation', 'none', ...extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Test workers grade in the best sandbox this machine has; the hub's policy accepts it unless a test says otherwise.
      env: { CLASSPOD_OFFICIAL_SANDBOXES: bestSandbox(), ...process.env, ...env, CLASSPOD_LOG_LEVEL: process.env.CLASSPOD_TEST_LOG ? 'debug' : 'error' },
    });
    const stderr = { text: '' };
    child.stderr!.on('data', (d: Buffer) => {
      stderr.text = (stderr.text + d.toString()).slice(-8192);
      if (process.env.CLASSPOD_TEST_LOG) process.stderr.write(d);
    });
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
        reject(new Error(`the hub exited with code ${code} before listening`));
      });
    });
    return new HubProcess(child, url, stderr);
  }

  /** Kill without warning (SIGKILL) and wait until it is gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await gone;
  }

  /** Stop gracefully (SIGTERM); resolves to the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const gone = new Promise<number | null>((r) => this.child.once('exit', (code) => r(code)));
    this.child.kill('SIGTERM');
    return gone;
  }
}
