// The control group of one run, behind one interface with two
// implementations: cgroup v2 (every current distribution, the grader VM) and
// cgroup v1 (older or hybrid hosts). The `local` sandbox puts each run in a
// fresh group that limits memory (the kernel's OOM killer, no swap) and the
// number of processes, and afterwards reads what the run used. Which one
// works here is probed once: v2 first, then v1, else none (the sandbox then
// falls back to rlimits and says that memory is not limited by a group).

import { cgroupV1Available, CgroupV1Runs } from './cgroup-v1';
import { CgroupV2Runs, prepareCgroupV2 } from './cgroup-v2';

/** What a run's group measured. */
export interface RunCgroupUsage {
  /** CPU time of every process that ran in the group (ms). */
  cpuMs: number;
  /** Peak memory of the whole group, kernel memory included (KiB); null where the kernel cannot tell. */
  peakMemoryKb: number | null;
  /** Whether the kernel's OOM killer killed a process of the group. */
  oomKilled: boolean;
  /** Whether a fork or thread creation was refused at the group's process limit. */
  processLimitReached: boolean;
}

/** The limits of a run's group. */
export interface RunCgroupLimits {
  memoryKb: number;
  /** Most tasks (processes and threads) in the group at once, the sandbox's own included. */
  tasks: number;
}

/** One run's group. */
export interface RunCgroup {
  /** The `cgroup.procs` files a process writes its pid into to join (one per hierarchy). */
  readonly procsFiles: readonly string[];
  usage(): Promise<RunCgroupUsage>;
  /** Kill every process of the group but those `spared` picks from the group's pids. */
  killAllExcept(spared: (pids: readonly number[]) => readonly number[]): Promise<void>;
  /** Kill whatever is still in the group and remove it. */
  remove(): Promise<void>;
}

/** Makes run groups on this machine. */
export interface RunCgroups {
  readonly version: 'v1' | 'v2';
  /** Where run groups are made, for people ("/sys/fs/cgroup/classpod.slice"). */
  readonly where: string;
  create(name: string, limits: RunCgroupLimits): Promise<RunCgroup>;
}

/** Options of the probe (tests point it at other places). */
export interface RunCgroupProbe {
  /** Allow cgroup v2 (default true). */
  v2?: boolean;
  /** Allow cgroup v1 (default true). */
  v1?: boolean;
}

/**
 * The run groups this process can make: cgroup v2 when the memory and pids
 * controllers can be delegated to a subtree (as root: `classpod.slice` at
 * the root of the hierarchy; otherwise this process's own group when it is
 * writable), else cgroup v1 (root only), else null with the reasons.
 */
export function probeRunCgroups(options: RunCgroupProbe = {}): { cgroups: RunCgroups | null; reasons: string[] } {
  const reasons: string[] = [];
  if (process.platform !== 'linux') return { cgroups: null, reasons: ['control groups need Linux'] };
  if (options.v2 ?? true) {
    const v2 = prepareCgroupV2();
    if (v2.ok) return { cgroups: new CgroupV2Runs(v2.base), reasons };
    reasons.push(`cgroup v2: ${v2.problem}`);
  }
  if (options.v1 ?? true) {
    const v1 = cgroupV1Available();
    if (v1 === null) return { cgroups: new CgroupV1Runs(), reasons };
    reasons.push(`cgroup v1: ${v1}`);
  }
  return { cgroups: null, reasons };
}
