// The hub as a separate process (`classpod-hub serve`), so a test can kill it
// without warning and start it again on the same data folder; and the
// `classpod-hub` administration commands run the way an administrator runs them.

import type { ChildProcess } from 'node:child_process';
import { hubProgramPath, runHubCommand, startHubServing, tokenFrom } from '@classpod/test-support';
import { bestSandbox } from './test-worker';

/** `hubCli(args, env)`: run an administration command; resolves to its standard output, throws on failure. */
export { runHubCommand as hubCli, tokenFrom };

export const HUB_CLI = hubProgramPath();

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
    const stderr = { text: '' };
    const { child, url } = await startHubServing(['--data', dataDir, '--port', '0', '--isolation', 'none', ...extraArgs], {
      // Test workers grade in the best sandbox this machine has; the hub's policy accepts it unless a test says otherwise.
      env: { CLASSPOD_OFFICIAL_SANDBOXES: bestSandbox(), ...process.env, ...env, CLASSPOD_LOG_LEVEL: process.env.CLASSPOD_TEST_LOG ? 'debug' : 'error' },
      onSpawn: (spawned) =>
        spawned.stderr!.on('data', (d: Buffer) => {
          stderr.text = (stderr.text + d.toString()).slice(-8192);
          if (process.env.CLASSPOD_TEST_LOG) process.stderr.write(d);
        }),
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
