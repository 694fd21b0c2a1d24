// Run groups on cgroup v1 (older and hybrid hosts): one group per run in
// each of the memory, cpuacct and pids hierarchies, made as children of the
// grader's own groups. Memory is limited with the OOM killer (swap included
// where the kernel accounts it), CPU time is that of every process the run
// started, and pids.events tells whether a fork was refused at the limit.
// Root only.

import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { GROUP_REMOVE_DEADLINE_MS, killPids, parseFlatKeyed, pidsOf } from './cgroup-files';
import type { RunCgroup, RunCgroupLimits, RunCgroups, RunCgroupUsage } from './run-cgroup';

const ROOT = '/sys/fs/cgroup';
const CONTROLLERS = ['memory', 'cpuacct', 'pids'] as const;
type Controller = (typeof CONTROLLERS)[number];

/** This process's own group in a v1 hierarchy (e.g. `/` or `/process_api/abc`). */
function ownGroup(controller: Controller): string | null {
  try {
    for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
      const [, names, where] = line.split(':');
      if (names && where !== undefined && names.split(',').includes(controller)) return where;
    }
  } catch {
    return null;
  }
  return null;
}

/** Null when per-run v1 groups can be made here (root, the three hierarchies mounted), else why not. */
export function cgroupV1Available(): string | null {
  if (process.getuid?.() !== 0) return 'needs root';
  for (const c of CONTROLLERS) {
    const own = ownGroup(c);
    if (own === null || !existsSync(path.join(ROOT, c, own, 'cgroup.procs'))) return `no ${c} hierarchy under ${ROOT}/${c}`;
  }
  return null;
}

/** Makes v1 run groups under the grader's own groups. */
export class CgroupV1Runs implements RunCgroups {
  readonly version = 'v1' as const;
  readonly where = `${ROOT}/{${CONTROLLERS.join(',')}}`;

  async create(name: string, limits: RunCgroupLimits): Promise<RunCgroup> {
    const dirs = {} as Record<Controller, string>;
    for (const c of CONTROLLERS) dirs[c] = path.join(ROOT, c, ownGroup(c) ?? '/', 'classpod', name);
    const group = new RunCgroupV1(dirs);
    try {
      for (const c of CONTROLLERS) await mkdir(dirs[c], { recursive: true });
      const bytes = String(limits.memoryKb * 1024);
      await writeFile(path.join(dirs.memory, 'memory.limit_in_bytes'), bytes);
      const memsw = path.join(dirs.memory, 'memory.memsw.limit_in_bytes');
      if (existsSync(memsw)) await writeFile(memsw, bytes);
      await writeFile(path.join(dirs.pids, 'pids.max'), String(limits.tasks));
    } catch (err) {
      await group.remove();
      throw err;
    }
    return group;
  }
}

class RunCgroupV1 implements RunCgroup {
  constructor(private readonly dirs: Record<Controller, string>) {}

  get procsFiles(): string[] {
    return CONTROLLERS.map((c) => path.join(this.dirs[c], 'cgroup.procs'));
  }

  async usage(): Promise<RunCgroupUsage> {
    const peak = Number(await this.read('memory', 'memory.max_usage_in_bytes'));
    const oom = parseFlatKeyed(await this.read('memory', 'memory.oom_control'));
    const pids = parseFlatKeyed(await this.read('pids', 'pids.events'));
    return {
      cpuMs: Math.round(Number(await this.read('cpuacct', 'cpuacct.usage')) / 1e6) || 0,
      peakMemoryKb: peak > 0 ? Math.round(peak / 1024) : null,
      oomKilled: (oom.get('oom_kill') ?? 0) > 0,
      processLimitReached: (pids.get('max') ?? 0) > 0,
    };
  }

  async killAllExcept(spared: (pids: readonly number[]) => readonly number[]): Promise<void> {
    const pids = await pidsOf(path.join(this.dirs.pids, 'cgroup.procs'));
    const keep = new Set(spared(pids));
    killPids(pids.filter((p) => !keep.has(p)));
  }

  async remove(): Promise<void> {
    for (const deadline = Date.now() + GROUP_REMOVE_DEADLINE_MS; Date.now() < deadline; ) {
      killPids(await pidsOf(path.join(this.dirs.pids, 'cgroup.procs')));
      try {
        for (const c of CONTROLLERS) if (existsSync(this.dirs[c])) await rmdir(this.dirs[c]);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  private async read(c: Controller, file: string): Promise<string> {
    return readFile(path.join(this.dirs[c], file), 'utf8').catch(() => '');
  }
}
