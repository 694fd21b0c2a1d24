// `local`: a real sandbox from Linux namespaces (bubblewrap) and rlimits, for
// development, CI, demos and workspaces. Each run gets new pid, network, IPC
// and UTS namespaces (no network at all; everything dies with the run), a
// private writable box at /box, read-only toolchains, rlimits (CPU,
// processes, file size, stack, address space where no memory group is
// available), an output cap, and a control group of its own (v2, or v1 on
// older hosts) that limits memory and processes and measures CPU time.
// As root every box runs as an unprivileged uid of its own; without root
// (a student's workspace) bubblewrap adds a user namespace, the program runs
// as this process's uid, and the groups come from this process's delegated
// group. GNU time reports exit status,
// CPU time and peak memory. The command lines are in local-command-line.ts.

import { spawn, spawnSync } from 'node:child_process';
import { chown, lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { signalName } from '../verdicts/signals';
import { CappedOutput } from './capped-output';
import { processChain, runnableMs } from './cgroup-files';
import { parseGnuTime } from './gnu-time';
import { joinCgroupsPrefix, localCommandLine, SANDBOX_TASKS, type LocalRunPlan, type LocalTools } from './local-command-line';
import { probeRunCgroups, type RunCgroup, type RunCgroups, type RunCgroupUsage } from './run-cgroup';
import { claimUid, releaseUid } from './uid-claims';
import { systemErrorOutcome, type Box, type LimitHit, type RunOutcome, type RunRequest, type Sandbox } from './sandbox';

/** Options of the `local` sandbox; every one has a default. */
export interface LocalSandboxOptions extends LocalTools {
  /** First uid of the pool (root only); box n runs as uidBase + n. */
  uidBase?: number;
  /** Most boxes open at once. */
  poolSize?: number;
  /** Where boxes are made. */
  tmpDir?: string;
  /** Use control groups when available (default true). */
  cgroups?: boolean;
  /** Run without root (user namespace, this process's uid); default: when not root. */
  rootless?: boolean;
  /** Host paths bound read-only into every box (toolchains); missing ones are skipped. */
  readOnlyPaths?: readonly string[];
}

const DEFAULT_READ_ONLY = ['/usr', '/etc/alternatives', '/etc/ld.so.cache', '/etc/java-17-openjdk', '/etc/ssl', '/etc/localtime'];

const rootlessProbe = new Map<string, string | null>();

/** Why `local` cannot run here, or null when it can. */
export function localSandboxUnavailable(options: LocalSandboxOptions = {}): string | null {
  if (process.platform !== 'linux') return 'the local sandbox needs Linux (namespaces); use --sandbox none';
  const bwrap = options.bwrap ?? 'bwrap';
  for (const tool of [bwrap, options.time ?? '/usr/bin/time', options.prlimit ?? 'prlimit', options.setpriv ?? 'setpriv']) {
    const probe = spawnSync(tool, ['--version'], { stdio: 'ignore' });
    if (probe.error) return `${tool} is not installed (apt-get install bubblewrap time util-linux)`;
  }
  if (!(options.rootless ?? process.getuid?.() !== 0)) return null;
  if (!rootlessProbe.has(bwrap)) {
    // Without root, bubblewrap needs unprivileged user namespaces: try one.
    const r = spawnSync(bwrap, ['--unshare-user', '--unshare-pid', '--unshare-net', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--proc', '/proc', '--', '/usr/bin/true'], { encoding: 'utf8' });
    rootlessProbe.set(bwrap, r.status === 0 ? null : `without root the local sandbox needs user namespaces, and bubblewrap cannot make one here: ${(r.stderr || r.error?.message || '').trim()}`);
  }
  return rootlessProbe.get(bwrap)!;
}

/** The `local` plugin. */
export class LocalSandbox implements Sandbox {
  readonly name = 'local' as const;
  readonly isolating = true;
  readonly description: string;
  /** The run groups used, or null (memory is then an address-space limit, or not limited). */
  readonly cgroups: RunCgroups | null;
  /** Why no run groups are used (empty when they are, or when turned off). */
  readonly cgroupProblems: readonly string[];
  readonly rootless: boolean;
  private readonly free: number[];
  private readonly waiting: ((n: number) => void)[] = [];
  private readonly open = new Set<LocalBox>();

  constructor(private readonly options: LocalSandboxOptions = {}) {
    this.free = Array.from({ length: options.poolSize ?? 64 }, (_, i) => i);
    this.rootless = options.rootless ?? process.getuid?.() !== 0;
    const probe = (options.cgroups ?? true) ? probeRunCgroups() : { cgroups: null, reasons: [] };
    this.cgroups = probe.cgroups;
    this.cgroupProblems = probe.reasons;
    const groups = this.cgroups ? `cgroup ${this.cgroups.version} (${this.cgroups.where})` : 'no control group: memory not limited by a group on this machine';
    this.description = `local — Linux namespaces (bubblewrap), ${this.rootless ? 'rootless (user namespace)' : 'private uid'}, rlimits, ${groups}`;
  }

  /** Whether runs get a cgroup of their own (memory, CPU time, processes). */
  get usesCgroups(): boolean {
    return this.cgroups !== null;
  }

  /** Uids this sandbox has run boxes as (tests look for leftovers under them). */
  readonly usedUids = new Set<number>();

  async openBox(): Promise<Box> {
    const base = this.options.uidBase ?? 61000;
    let slot: number | undefined;
    while (slot === undefined) {
      const i = this.free.findIndex((s) => this.rootless || claimUid(base + s));
      if (i >= 0) slot = this.free.splice(i, 1)[0]!;
      else if (this.free.length === 0) slot = await new Promise<number>((r) => this.waiting.push(r));
      else await new Promise((r) => setTimeout(r, 50)); // every free uid is claimed by another grader process
    }
    const claimed = slot;
    const uid = this.rootless ? (process.getuid?.() ?? 0) : base + claimed;
    const release = (): void => {
      const next = this.waiting.shift();
      if (next) next(claimed);
      else {
        if (!this.rootless) releaseUid(uid);
        this.free.push(claimed);
      }
    };
    try {
      const dir = await mkdtemp(path.join(this.options.tmpDir ?? os.tmpdir(), 'classpod-box-'));
      if (!this.rootless) this.usedUids.add(uid);
      const box = new LocalBox(dir, uid, this, () => {
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

  /** The options the boxes read. */
  get settings(): LocalSandboxOptions {
    return this.options;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.open].map((b) => b.dispose()));
  }
}

let runCounter = 0;

class LocalBox implements Box {
  private disposed = false;
  private running: Promise<unknown> | null = null;
  private kill: (() => void) | null = null;

  constructor(
    readonly dir: string,
    private readonly uid: number,
    private readonly sandbox: LocalSandbox,
    private readonly release: () => void,
  ) {}

  run(req: RunRequest): Promise<RunOutcome> {
    const p = this.runOnce(req);
    this.running = p;
    return p;
  }

  private async runOnce(req: RunRequest): Promise<RunOutcome> {
    const started = Date.now();
    const options = this.sandbox.settings;
    const rootless = this.sandbox.rootless;
    const meta = await mkdtemp(path.join(os.tmpdir(), 'classpod-meta-'));
    let cgroup: RunCgroup | null = null;
    try {
      if (!rootless) await chownTree(this.dir, this.uid);
      const limits = req.limits;
      if (this.sandbox.cgroups) {
        const name = `${path.basename(this.dir)}-${process.pid}-${++runCounter}`;
        cgroup = await this.sandbox.cgroups.create(name, { memoryKb: limits.memoryKb, tasks: limits.processes + SANDBOX_TASKS });
      }
      const plan: LocalRunPlan = {
        rootless,
        boxDir: this.dir,
        metaDir: meta,
        uid: this.uid,
        memoryGroup: cgroup !== null,
        pidsGroup: cgroup !== null,
        readOnlyPaths: options.readOnlyPaths ?? DEFAULT_READ_ONLY,
      };
      const argv = localCommandLine(req, plan, options);
      const prefix = cgroup ? joinCgroupsPrefix(cgroup.procsFiles) : [];
      const [program, ...args] = [...prefix, ...argv];
      const child = spawn(program!, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
      let limitHit: LimitHit | null = null;
      let runnable: number | null = null;
      const killGroup = (why: LimitHit | null): void => {
        const first = why !== null && limitHit === null;
        if (why && !limitHit) limitHit = why;
        if (cgroup) {
          // Kill the program and whatever it started, but not the sandbox's own processes above it: GNU time then
          // reports the program's own CPU time and memory (not the sandbox's start-up), and the rest exit by themselves.
          void cgroup.killAllExcept((pids) => {
            const sandboxOwn = processChain(child.pid!, pids, SANDBOX_TASKS);
            // Stopped by the clock: was it computing (or waiting for a CPU on a busy machine), or sleeping?
            if (first && why === 'wall') runnable = runnableMs(pids.filter((p) => !sandboxOwn.includes(p)));
            return sandboxOwn;
          });
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
      if (exit.error) return systemErrorOutcome(`cannot start the sandbox: ${exit.error.message}`, wallMs);
      const report = parseGnuTime(await readFile(path.join(meta, 'time'), 'utf8').catch(() => ''));
      const usage: RunCgroupUsage | null = cgroup ? await cgroup.usage() : null;
      const oom = usage?.oomKilled ?? false;
      if (!report && !limitHit && !oom) {
        const why = output.stderr().toString('utf8').trim().split('\n').slice(-3).join(' / ');
        return systemErrorOutcome(`the sandbox ended without a report (exit ${exit.code}): ${why}`, wallMs);
      }
      // GNU time counts the program alone (and survives the kills above); the group's count, which includes the
      // sandbox's own start-up, is only for when time itself did not report.
      const cpuMs = report ? report.cpuMs : (usage?.cpuMs ?? 0);
      if (oom) limitHit = limitHit ?? 'memory';
      return {
        exitCode: report && report.signal === null ? report.exitCode : null,
        signal: report?.signal != null ? signalName(report.signal) : null,
        limitHit,
        systemError: null,
        timeMs: cpuMs,
        cpuMeasured: true,
        wallMs: report && !limitHit ? Math.max(report.wallMs, 0) : wallMs,
        // The program's own memory, from GNU time only: the group's peak counts kernel memory and the sandbox's own
        // processes, and judged as the program's it would call a fork bomb whose OOM kill took GNU time along MLE.
        memoryKb: report?.maxRssKb ?? 0,
        memoryLimit: cgroup ? 'cgroup' : req.addressSpaceLimit ? 'address-space' : 'none',
        processLimitReached: usage ? usage.processLimitReached : null,
        runnableMs: runnable,
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
