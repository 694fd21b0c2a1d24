// `local`: a real sandbox from Linux namespaces (bubblewrap) and rlimits, for
// development, CI, demos and workspaces. Each run gets new pid, network, IPC
// and UTS namespaces (no network at all; everything dies with the run), a
// private writable box at /box, read-only toolchains, an unprivileged uid of
// its own (so the process limit counts only its processes), rlimits (CPU,
// processes, file size, stack, address space where cgroups are missing), an
// output cap, and when run as root a cgroup-v1 group for memory, CPU time and
// process count. GNU time reports exit status, CPU time and peak memory.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { signalName } from '../verdicts/signals';
import { CappedOutput } from './capped-output';
import { cgroupV1Available, RunCgroup } from './cgroup-v1';
import { GNU_TIME_FORMAT, parseGnuTime } from './gnu-time';
import { claimUid, releaseUid } from './uid-claims';
import { systemErrorOutcome, type Box, type LimitHit, type RunOutcome, type RunRequest, type Sandbox } from './sandbox';

/** Options of the `local` sandbox; every one has a default. */
export interface LocalSandboxOptions {
  bwrap?: string;
  /** GNU time. */
  time?: string;
  prlimit?: string;
  setpriv?: string;
  /** First uid of the pool; box n runs as uidBase + n. */
  uidBase?: number;
  /** Most boxes open at once. */
  poolSize?: number;
  /** Where boxes are made. */
  tmpDir?: string;
  /** Use cgroup-v1 groups when available (default true). */
  cgroups?: boolean;
  /** Host paths bound read-only into every box (toolchains); missing ones are skipped. */
  readOnlyPaths?: readonly string[];
}

const DEFAULT_READ_ONLY = ['/usr', '/etc/alternatives', '/etc/ld.so.cache', '/etc/java-17-openjdk', '/etc/ssl', '/etc/localtime'];
const SANDBOX_PATH = '/usr/local/bin:/usr/bin:/bin';

/** Why `local` cannot run here, or null when it can. */
export function localSandboxUnavailable(options: LocalSandboxOptions = {}): string | null {
  if (process.platform !== 'linux') return 'the local sandbox needs Linux (namespaces); use --sandbox none';
  const tools = [options.bwrap ?? 'bwrap', options.time ?? '/usr/bin/time', options.prlimit ?? 'prlimit', options.setpriv ?? 'setpriv'];
  for (const tool of tools) {
    const probe = spawnSync(tool, ['--version'], { stdio: 'ignore' });
    if (probe.error) return `${tool} is not installed (apt-get install bubblewrap time util-linux)`;
  }
  if (process.getuid?.() !== 0) return 'the local sandbox must run as root to give each box its own uid';
  return null;
}

/** The `local` plugin. */
export class LocalSandbox implements Sandbox {
  readonly name = 'local' as const;
  readonly isolating = true;
  readonly description = 'local — Linux namespaces (bubblewrap), private uid, rlimits and cgroups';
  private readonly free: number[];
  private readonly waiting: ((n: number) => void)[] = [];
  private readonly useCgroups: boolean;
  private readonly open = new Set<LocalBox>();

  constructor(private readonly options: LocalSandboxOptions = {}) {
    this.free = Array.from({ length: options.poolSize ?? 64 }, (_, i) => i);
    this.useCgroups = (options.cgroups ?? true) && cgroupV1Available();
  }

  /** Uids this sandbox has run boxes as (tests look for leftovers under them). */
  readonly usedUids = new Set<number>();

  async openBox(): Promise<Box> {
    const base = this.options.uidBase ?? 61000;
    let slot: number | undefined;
    while (slot === undefined) {
      const i = this.free.findIndex((s) => claimUid(base + s));
      if (i >= 0) slot = this.free.splice(i, 1)[0]!;
      else if (this.free.length === 0) slot = await new Promise<number>((r) => this.waiting.push(r));
      else await new Promise((r) => setTimeout(r, 50)); // every free uid is claimed by another grader process
    }
    const claimed = slot;
    const uid = base + claimed;
    const release = (): void => {
      const next = this.waiting.shift();
      if (next) next(claimed);
      else {
        releaseUid(uid);
        this.free.push(claimed);
      }
    };
    try {
      const dir = await mkdtemp(path.join(this.options.tmpDir ?? os.tmpdir(), 'classpod-box-'));
      this.usedUids.add(uid);
      const box = new LocalBox(dir, uid, this.options, this.useCgroups, () => {
        this.open.delete(box);
        release();
      });
      this.open.add(box);
      return box;
    } catch (err) {
      release();
      throw err;
    }
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.open].map((b) => b.dispose()));
  }
}

class LocalBox implements Box {
  private disposed = false;
  private running: Promise<unknown> | null = null;
  private kill: (() => void) | null = null;

  constructor(
    readonly dir: string,
    private readonly uid: number,
    private readonly options: LocalSandboxOptions,
    private readonly useCgroups: boolean,
    private readonly release: () => void,
  ) {}

  run(req: RunRequest): Promise<RunOutcome> {
    const p = this.runOnce(req);
    this.running = p;
    return p;
  }

  private async runOnce(req: RunRequest): Promise<RunOutcome> {
    const started = Date.now();
    const meta = await mkdtemp(path.join(os.tmpdir(), 'classpod-meta-'));
    let cgroup: RunCgroup | null = null;
    try {
      await chownTree(this.dir, this.uid);
      const limits = req.limits;
      if (this.useCgroups) {
        cgroup = await RunCgroup.create(`${path.basename(this.dir)}-${Date.now()}`, limits.memoryKb, limits.processes + 8);
      }
      const argv = this.commandLine(req, meta, cgroup !== null);
      const prefix = cgroup ? joinCgroupsPrefix(cgroup.procsFiles) : [];
      const [program, ...args] = [...prefix, ...argv];
      const child = spawn(program!, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
      let limitHit: LimitHit | null = null;
      const killGroup = (why: LimitHit | null): void => {
        if (why && !limitHit) limitHit = why;
        if (cgroup) {
          // Kill what runs inside, so bwrap itself reaps its namespace and exits (no zombies left to init).
          void cgroup.killAllExcept(child.pid!);
          setTimeout(() => killProcessGroup(child.pid!), 1000).unref();
        } else killProcessGroup(child.pid!);
      };
      this.kill = () => killGroup(null);
      const output = new CappedOutput(limits.outputKb * 1024, () => killGroup('output'));
      output.attach(child.stdout, child.stderr);
      child.stdin.on('error', () => undefined);
      child.stdin.end(req.stdin);
      const wall = setTimeout(() => killGroup('wall'), limits.wallMs);
      const onAbort = (): void => killGroup(null);
      req.signal?.addEventListener('abort', onAbort);
      const exit = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
        child.on('error', (error) => resolve({ code: null, error }));
        child.on('close', (code) => resolve({ code }));
      });
      clearTimeout(wall);
      req.signal?.removeEventListener('abort', onAbort);
      this.kill = null;
      const wallMs = Date.now() - started;
      if (exit.error) return systemErrorOutcome(`cannot start bubblewrap: ${exit.error.message}`, wallMs);
      const report = parseGnuTime(await readFile(path.join(meta, 'time'), 'utf8').catch(() => ''));
      const oom = cgroup ? await cgroup.oomKilled() : false;
      // GNU time counts the program alone; the cgroup also counts what it left behind when time itself was killed.
      const cpuMs = report && !limitHit ? report.cpuMs : cgroup ? Math.round(await cgroup.cpuMs()) : (report?.cpuMs ?? 0);
      const memoryKb = report?.maxRssKb ?? (cgroup ? await cgroup.peakMemoryKb() : 0);
      if (!report && !limitHit && !oom) {
        const why = output.stderr().toString('utf8').trim().split('\n').slice(-3).join(' / ');
        return systemErrorOutcome(`the sandbox ended without a report (exit ${exit.code}): ${why}`, wallMs);
      }
      if (oom) limitHit = limitHit ?? 'memory';
      return {
        exitCode: report && report.signal === null ? report.exitCode : null,
        signal: report?.signal != null ? signalName(report.signal) : null,
        limitHit,
        systemError: null,
        timeMs: cpuMs,
        cpuMeasured: true,
        wallMs: report && !limitHit ? Math.max(report.wallMs, 0) : wallMs,
        memoryKb,
        stdout: output.stdout(),
        stderr: output.stderr(),
      };
    } catch (err) {
      return systemErrorOutcome(`local sandbox: ${(err as Error).message}`, Date.now() - started);
    } finally {
      await cgroup?.remove();
      await rm(meta, { recursive: true, force: true });
    }
  }

  /** bwrap → GNU time → prlimit → setpriv → the program. */
  private commandLine(req: RunRequest, meta: string, cgroups: boolean): string[] {
    const o = this.options;
    const l = req.limits;
    const cpuSoft = Math.ceil(l.timeMs / 1000) + 1;
    // The stack stays below the memory limit, so a runaway recursion is a clean SIGSEGV, not an OOM kill.
    const stackKb = Math.min(Math.floor(l.memoryKb / 2), 64 * 1024);
    const bind: string[] = [];
    for (const p of o.readOnlyPaths ?? DEFAULT_READ_ONLY) if (existsSync(p)) bind.push('--ro-bind', p, p);
    const env: string[] = ['PATH', SANDBOX_PATH, 'HOME', '/box', 'TMPDIR', '/tmp', 'LANG', 'C.UTF-8'];
    for (const [k, v] of Object.entries(req.env ?? {})) env.push(k, v);
    const rlimits = [
      `--cpu=${cpuSoft}:${cpuSoft + 1}`,
      `--nproc=${l.processes}`,
      `--fsize=${l.fileSizeKb * 1024}`,
      `--stack=${stackKb * 1024}`,
      '--core=0',
      '--nofile=256',
    ];
    // Without a memory cgroup the limit can only be an address-space limit.
    if (!cgroups && req.addressSpaceLimit) rlimits.push(`--as=${l.memoryKb * 1024}`);
    return [
      o.bwrap ?? 'bwrap',
      '--unshare-ipc', '--unshare-pid', '--unshare-net', '--unshare-uts', '--unshare-cgroup-try',
      '--die-with-parent', '--new-session',
      // /etc holds only what toolchains read; it must be traversable by the box's uid.
      '--perms', '0755', '--dir', '/etc',
      ...bind,
      '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64',
      '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/sbin', '/sbin',
      '--proc', '/proc', '--dev', '/dev',
      '--perms', '1777', '--size', String(l.fileSizeKb * 1024), '--tmpfs', '/tmp',
      '--bind', this.dir, '/box', '--bind', meta, '/.classpod',
      '--chdir', '/box', '--clearenv', ...pairs('--setenv', env), '--hostname', 'classpod-box',
      '--',
      o.time ?? '/usr/bin/time', '-o', '/.classpod/time', '-f', GNU_TIME_FORMAT,
      o.prlimit ?? '/usr/bin/prlimit', ...rlimits,
      o.setpriv ?? '/usr/bin/setpriv', `--reuid=${this.uid}`, `--regid=${this.uid}`, '--clear-groups',
      '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--',
      ...req.argv,
    ];
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.kill?.();
    await this.running?.catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
    this.release();
  }
}

function killProcessGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** A shell prefix that puts itself into the run's cgroups, then becomes bwrap. */
function joinCgroupsPrefix(procsFiles: string[]): string[] {
  const script = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"';
  return ['/bin/sh', '-c', script, 'classpod-cgroup', String(procsFiles.length), ...procsFiles];
}

function pairs(flag: string, kv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < kv.length; i += 2) out.push(flag, kv[i]!, kv[i + 1]!);
  return out;
}

/** Give the box to its uid (symbolic links are changed themselves, never followed). */
async function chownTree(dir: string, uid: number): Promise<void> {
  await chown(dir, uid, uid);
  for (const entry of await readdir(dir)) {
    const full = path.join(dir, entry);
    const st = await lstat(full);
    if (st.isDirectory()) await chownTree(full, uid);
    else if (!st.isSymbolicLink()) await chown(full, uid, uid);
  }
}
