// Run groups on cgroup v2 (every current distribution, the grader VM). Runs
// are made under one delegated subtree, prepared once:
// - as root: `classpod.slice` at the top of the hierarchy as this process
//   sees it (the real root, or a container's own group);
// - otherwise (or when that fails): this process's own group, when it is
//   writable — systemd user delegation (`Delegate=yes`), or a pod whose
//   cgroup namespace is mounted read-write.
// The parent must enable the memory and pids controllers for its children
// (`cgroup.subtree_control`). A group that holds processes cannot do that
// (the no-internal-process rule) unless it is the real root: its processes
// are then moved into a leaf beside the runs (`leaf`) first.
// Each run gets `memory.max` with swap off (`memory.swap.max` = 0) and
// `pids.max`; afterwards `cpu.stat` gives CPU time, `memory.peak` the peak
// (Linux 5.19 and later; null before), `memory.events` OOM kills and
// `pids.events` refused forks.

import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { GROUP_REMOVE_DEADLINE_MS, killPids, parseFlatKeyed, pidsOf } from './cgroup-files';
import type { RunCgroup, RunCgroupLimits, RunCgroups, RunCgroupUsage } from './run-cgroup';

/** The controllers a run group needs. */
const NEEDED = ['memory', 'pids'] as const;
/** Name of the subtree made at the top of the hierarchy when running as root. */
export const ROOT_SUBTREE = 'classpod.slice';
/** Name of the subtree made inside this process's own (delegated) group. */
export const DELEGATED_SUBTREE = 'classpod-runs';
/** Leaf that receives the processes of a group that must enable controllers for its children. */
export const LEAF = 'leaf';

/** A cgroup2 mount as this process sees it. */
export interface Cgroup2Mount {
  /** Where it is mounted (`/sys/fs/cgroup`, or `/sys/fs/cgroup/unified` on hybrid hosts). */
  mountPoint: string;
  /** The group of the hierarchy the mount shows at its top (`/` unless a subtree was mounted). */
  root: string;
}

/** The first cgroup2 mount in `/proc/self/mountinfo` text, preferring `/sys/fs/cgroup`. */
export function findCgroup2Mount(mountinfo: string): Cgroup2Mount | null {
  const found: Cgroup2Mount[] = [];
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right || right.split(' ')[0] !== 'cgroup2') continue;
    const fields = left.split(' ');
    if (fields.length < 5) continue;
    found.push({ root: unescapeMountPath(fields[3]!), mountPoint: unescapeMountPath(fields[4]!) });
  }
  return found.find((m) => m.mountPoint === '/sys/fs/cgroup') ?? found[0] ?? null;
}

/** This process's v2 group (`0::/path`) from `/proc/self/cgroup` text. */
export function ownCgroupV2(selfCgroup: string): string | null {
  for (const line of selfCgroup.split('\n')) if (line.startsWith('0::')) return line.slice(3).trim() || '/';
  return null;
}

/** The folder of group `group` under a mount, or null when the mount does not show it. */
export function groupDir(mount: Cgroup2Mount, group: string): string | null {
  const root = mount.root === '/' ? '' : mount.root.replace(/\/$/, '');
  if (group !== root && !group.startsWith(`${root}/`)) return null;
  const rest = group.slice(root.length);
  if (rest.split('/').includes('..')) return null;
  return path.join(mount.mountPoint, rest);
}

/** Where run groups are made, or why they cannot be. */
export type CgroupV2Preparation = { ok: true; base: string } | { ok: false; problem: string };

let prepared: CgroupV2Preparation | undefined;

/** Prepare the subtree run groups are made in (see the header), once per process. */
export function prepareCgroupV2(): CgroupV2Preparation {
  return (prepared ??= prepare());
}

function prepare(): CgroupV2Preparation {
  let mount: Cgroup2Mount | null;
  let own: string | null;
  try {
    mount = findCgroup2Mount(readFileSync('/proc/self/mountinfo', 'utf8'));
    own = ownCgroupV2(readFileSync('/proc/self/cgroup', 'utf8'));
  } catch (err) {
    return { ok: false, problem: `cannot read this process's control groups: ${(err as Error).message}` };
  }
  if (!mount) return { ok: false, problem: 'no cgroup2 hierarchy is mounted' };
  const problems: string[] = [];
  const ownDir = own === null ? null : groupDir(mount, own);
  if (process.getuid?.() === 0) {
    const r = prepareUnder(mount.mountPoint, ROOT_SUBTREE);
    if (r.ok || ownDir === mount.mountPoint) return r;
    problems.push(r.problem);
  }
  if (ownDir === null) problems.push(`this process's group is not visible under ${mount.mountPoint}`);
  else if (!writable(ownDir)) problems.push(`this process's group ${ownDir} is not delegated to it (not writable)`);
  else {
    const r = prepareUnder(ownDir, DELEGATED_SUBTREE);
    if (r.ok) return r;
    problems.push(r.problem);
  }
  return { ok: false, problem: problems.join('; ') };
}

function prepareUnder(parent: string, name: string): CgroupV2Preparation {
  try {
    const available = controllers(path.join(parent, 'cgroup.controllers'));
    const missing = NEEDED.filter((c) => !available.includes(c));
    if (missing.length > 0) {
      return { ok: false, problem: `${parent} does not offer the ${missing.join(' and ')} controller (it offers: ${available.join(' ') || 'none'})` };
    }
    enableForChildren(parent, true);
    const base = path.join(parent, name);
    mkdirSync(base, { recursive: true });
    enableForChildren(base, false);
    return { ok: true, base };
  } catch (err) {
    return { ok: false, problem: `cannot delegate the memory and pids controllers under ${parent}: ${(err as Error).message}` };
  }
}

/** Enable the needed controllers in `dir`'s children; when its own processes forbid that, move them into a leaf first. */
function enableForChildren(dir: string, mayMoveProcesses: boolean): void {
  const file = path.join(dir, 'cgroup.subtree_control');
  if (NEEDED.every((c) => controllers(file).includes(c))) return;
  const line = NEEDED.map((c) => `+${c}`).join(' ');
  try {
    writeFileSync(file, line);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EBUSY' || !mayMoveProcesses) throw err;
    const leaf = path.join(dir, LEAF);
    mkdirSync(leaf, { recursive: true });
    // Move every process (this one included); a process may exit meanwhile, so repeat until the group is empty.
    for (let round = 0; round < 10; round++) {
      const pids = readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
      if (pids.length === 0) break;
      for (const pid of pids) {
        try {
          writeFileSync(path.join(leaf, 'cgroup.procs'), pid);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
        }
      }
    }
    writeFileSync(file, line);
  }
}

function controllers(file: string): string[] {
  return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean);
}

function writable(dir: string): boolean {
  try {
    for (const f of ['', 'cgroup.procs', 'cgroup.subtree_control']) accessSync(path.join(dir, f), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** `\040` and friends in mountinfo paths. */
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Makes v2 run groups under a prepared subtree. */
export class CgroupV2Runs implements RunCgroups {
  readonly version = 'v2' as const;

  constructor(readonly where: string) {}

  async create(name: string, limits: RunCgroupLimits): Promise<RunCgroup> {
    const dir = path.join(this.where, name);
    await mkdir(dir);
    const group = new RunCgroupV2(dir);
    try {
      await writeFile(path.join(dir, 'memory.max'), String(limits.memoryKb * 1024));
      // Without swap accounting there is no swap.max, and nothing to turn off.
      if (existsSync(path.join(dir, 'memory.swap.max'))) await writeFile(path.join(dir, 'memory.swap.max'), '0');
      await writeFile(path.join(dir, 'pids.max'), String(limits.tasks));
    } catch (err) {
      await group.remove();
      throw err;
    }
    return group;
  }
}

class RunCgroupV2 implements RunCgroup {
  constructor(private readonly dir: string) {}

  get procsFiles(): string[] {
    return [path.join(this.dir, 'cgroup.procs')];
  }

  async usage(): Promise<RunCgroupUsage> {
    const cpu = parseFlatKeyed(await this.read('cpu.stat'));
    const peak = Number(await this.read('memory.peak'));
    const events = parseFlatKeyed(await this.read('memory.events'));
    const pids = parseFlatKeyed(await this.read('pids.events'));
    return {
      cpuMs: Math.round((cpu.get('usage_usec') ?? 0) / 1000),
      peakMemoryKb: peak > 0 ? Math.round(peak / 1024) : null,
      oomKilled: (events.get('oom_kill') ?? 0) > 0,
      processLimitReached: (pids.get('max') ?? 0) > 0,
    };
  }

  async killAllExcept(spared: (pids: readonly number[]) => readonly number[]): Promise<void> {
    const pids = await pidsOf(path.join(this.dir, 'cgroup.procs'));
    const keep = new Set(spared(pids));
    killPids(pids.filter((p) => !keep.has(p)));
  }

  async remove(): Promise<void> {
    const kill = path.join(this.dir, 'cgroup.kill');
    for (const deadline = Date.now() + GROUP_REMOVE_DEADLINE_MS; Date.now() < deadline; ) {
      if (!existsSync(this.dir)) return;
      // cgroup.kill (Linux 5.14) kills the whole group at once, forks in flight included.
      if (existsSync(kill)) await writeFile(kill, '1').catch(() => undefined);
      else killPids(await pidsOf(path.join(this.dir, 'cgroup.procs')));
      try {
        await rmdir(this.dir);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  private async read(file: string): Promise<string> {
    return readFile(path.join(this.dir, file), 'utf8').catch(() => '');
  }
}
