// `none`: NOT a sandbox. The program runs as the user, with a wall-clock
// timeout, an output cap and a private working folder, nothing more. It is
// for a student's own machine (Linux, macOS, Windows), where the student runs
// their own code; it uses only portable Node APIs and no native modules. CPU
// time is not measured: time is wall time, memory is not measured.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CappedOutput } from './capped-output';
import { systemErrorOutcome, type Box, type LimitHit, type RunOutcome, type RunRequest, type Sandbox } from './sandbox';

/** Options of the `none` sandbox. */
export interface NoneSandboxOptions {
  /** Where boxes are made; default the system's temporary folder. */
  tmpDir?: string;
}

/** The `none` plugin: limits and timeouts only. */
export class NoneSandbox implements Sandbox {
  readonly name = 'none' as const;
  readonly isolating = false;
  readonly description = 'none — NOT a sandbox: the program runs as you, with time limits and an output cap only';

  constructor(private readonly options: NoneSandboxOptions = {}) {}

  async openBox(): Promise<Box> {
    const dir = await mkdtemp(path.join(this.options.tmpDir ?? os.tmpdir(), 'classpod-none-'));
    return new NoneBox(dir);
  }

  async dispose(): Promise<void> {}
}

class NoneBox implements Box {
  constructor(readonly dir: string) {}

  run(req: RunRequest): Promise<RunOutcome> {
    const started = Date.now();
    const [program, ...args] = req.argv.map((a, i) => (i === 0 ? this.programPath(a) : a));
    if (!program) return Promise.resolve(systemErrorOutcome('empty command'));
    const env: NodeJS.ProcessEnv = { ...process.env, ...req.env };
    const child = spawn(program, args, {
      cwd: this.dir,
      env,
      detached: process.platform !== 'win32',
      windowsHide: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let limitHit: LimitHit | null = null;
    const kill = (why: LimitHit | null): void => {
      if (why && !limitHit) limitHit = why;
      killTree(child.pid);
    };
    const output = new CappedOutput(req.limits.outputKb * 1024, () => kill('output'));
    output.attach(child.stdout, child.stderr);
    child.stdin.on('error', () => undefined);
    child.stdin.end(req.stdin);
    const wall = setTimeout(() => kill('wall'), req.limits.wallMs);
    const onAbort = (): void => kill(null);
    req.signal?.addEventListener('abort', onAbort);
    return new Promise<RunOutcome>((resolve) => {
      let settled = false;
      const settle = (o: RunOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(wall);
        req.signal?.removeEventListener('abort', onAbort);
        resolve(o);
      };
      child.on('error', (err: NodeJS.ErrnoException) => {
        const wallMs = Date.now() - started;
        settle(
          err.code === 'ENOENT'
            ? systemErrorOutcome(`${req.argv[0]} not found: is its toolchain installed?`, wallMs)
            : systemErrorOutcome(`cannot start ${req.argv[0]}: ${err.message}`, wallMs),
        );
      });
      child.on('exit', (code, signal) => {
        clearTimeout(wall);
        // Whatever the program left behind in its process group goes with it.
        killTree(child.pid);
        const wallMs = Date.now() - started;
        const finish = (): void =>
          settle({
            exitCode: signal ? null : code,
            signal: signal ?? null,
            limitHit,
            systemError: null,
            timeMs: wallMs,
            cpuMeasured: false,
            wallMs,
            memoryKb: 0,
            memoryLimit: 'none',
            processLimitReached: null,
            runnableMs: null,
            stdout: output.stdout(),
            stderr: output.stderr(),
          });
        // A process that escaped the group may hold the pipes open: wait briefly, then stop reading.
        const grace = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish();
        }, 200);
        child.on('close', () => {
          clearTimeout(grace);
          finish();
        });
      });
    });
  }

  /** `./main` means the box's file (with `.exe` on Windows); other names are looked up on PATH. */
  private programPath(program: string): string {
    if (!program.startsWith('./')) return process.platform === 'win32' && program === 'python3' ? 'python' : program;
    const full = path.join(this.dir, program.slice(2));
    return process.platform === 'win32' && !existsSync(full) && existsSync(`${full}.exe`) ? `${full}.exe` : full;
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Kill a process and its group (POSIX) or its tree (Windows). */
function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' }).on('error', () => undefined);
    } else {
      process.kill(-pid, 'SIGKILL');
    }
  } catch {
    // Already gone.
  }
}
