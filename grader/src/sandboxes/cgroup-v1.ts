// A cgroup-v1 group per run (memory, cpuacct, pids), created as a child of
// the grader's own group in each hierarchy. It enforces the memory limit the
// way a judge should (the kernel's OOM killer, not failed allocations), counts
// CPU time of every process the run starts, caps the number of processes, and
// tells afterwards whether the OOM killer acted. Linux and root only; the
// `local` sandbox falls back to rlimits when this is not available.

import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

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

/** Whether per-run cgroups can be made here (Linux, root, v1 memory hierarchy mounted). */
export function cgroupV1Available(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  return CONTROLLERS.every((c) => {
    const own = ownGroup(c);
    return own !== null && existsSync(path.join(ROOT, c, own, 'cgroup.procs'));
  });
}

/** The groups of one run. */
export class RunCgroup {
  private constructor(private readonly dirs: Record<Controller, string>) {}

  /** Create the groups with the run's limits. */
  static async create(name: string, memoryKb: number, processes: number): Promise<RunCgroup> {
    const dirs = {} as Record<Controller, string>;
    for (const c of CONTROLLERS) {
      dirs[c] = path.join(ROOT, c, ownGroup(c) ?? '/', 'classpod', name);
      await mkdir(dirs[c], { recursive: true });
    }
    const group = new RunCgroup(dirs);
    const bytes = String(memoryKb * 1024);
    await writeFile(path.join(dirs.memory, 'memory.limit_in_bytes'), bytes);
    const memsw = path.join(dirs.memory, 'memory.memsw.limit_in_bytes');
    if (existsSync(memsw)) await writeFile(memsw, bytes);
    await writeFile(path.join(dirs.pids, 'pids.max'), String(processes));
    return group;
  }

  /** The `cgroup.procs` files a process writes its pid into to join. */
  get procsFiles(): string[] {
    return CONTROLLERS.map((c) => path.join(this.dirs[c], 'cgroup.procs'));
  }

  /** Peak memory of the group (KiB). */
  async peakMemoryKb(): Promise<number> {
    return Math.round(Number(await this.read('memory', 'memory.max_usage_in_bytes')) / 1024) || 0;
  }

  /** Whether the kernel's OOM killer killed something in the group. */
  async oomKilled(): Promise<boolean> {
    const m = /oom_kill (\d+)/.exec(await this.read('memory', 'memory.oom_control'));
    return m !== null && Number(m[1]) > 0;
  }

  /** CPU time of every process that ran in the group (ms). */
  async cpuMs(): Promise<number> {
    return Number(await this.read('cpuacct', 'cpuacct.usage')) / 1e6 || 0;
  }

  /** Kill every process of the group but `spared`. */
  async killAllExcept(spared: number): Promise<void> {
    const pids = (await this.read('pids', 'cgroup.procs')).split('\n').filter(Boolean).map(Number);
    for (const pid of pids) {
      if (pid === spared) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  }

  /** Kill whatever is still in the group and remove it. */
  async remove(): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const pids = (await this.read('pids', 'cgroup.procs')).split('\n').filter(Boolean).map(Number);
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
      try {
        for (const c of CONTROLLERS) if (existsSync(this.dirs[c])) await rmdir(this.dirs[c]);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  private async read(c: Controller, file: string): Promise<string> {
    try {
      return await readFile(path.join(this.dirs[c], file), 'utf8');
    } catch {
      return '';
    }
  }
}
