// Pinning each test run to one CPU core, so a program's measured time does
// not depend on the scheduler moving it between cores (or on sharing a core
// with the next test). The run's command line starts with `taskset
// --cpu-list N` (sched_setaffinity, inherited by everything the program
// starts): inside `local` and `isolate` boxes taskset is the box's own
// /usr/bin/taskset. Concurrent runs of one grader get different cores while
// there are enough.

import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import type { Sandbox } from '../sandboxes/sandbox';

const TASKSET = '/usr/bin/taskset';

/** Whether runs in `sandbox` can be pinned here (Linux with util-linux's taskset). */
export function corePinningAvailable(sandbox: Pick<Sandbox, 'name'>): boolean {
  return process.platform === 'linux' && existsSync(TASKSET) && (sandbox.name === 'local' || sandbox.name === 'isolate' || sandbox.name === 'none');
}

/** Cores this process may run on (its affinity mask), e.g. `[0, 1]`. */
export function allowedCores(): number[] {
  try {
    const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (line) {
      const cores: number[] = [];
      for (const part of line.trim().split(',')) {
        const [a, b] = part.split('-').map(Number);
        for (let c = a!; c <= (b ?? a!); c++) cores.push(c);
      }
      if (cores.length > 0) return cores;
    }
  } catch {
    // not Linux
  }
  return Array.from({ length: os.cpus().length || 1 }, (_, i) => i);
}

/** Hands out cores to runs: the least used one first, so concurrent runs spread out. */
export class CorePool {
  private readonly inUse = new Map<number, number>();

  constructor(readonly cores: readonly number[] = allowedCores()) {
    for (const c of cores) this.inUse.set(c, 0);
  }

  /** A core for one run; give it back with `release`. Ties go to the highest core: core 0 usually serves the most interrupts. */
  acquire(): number {
    let best = this.cores[this.cores.length - 1]!;
    for (const c of [...this.cores].reverse()) if (this.inUse.get(c)! < this.inUse.get(best)!) best = c;
    this.inUse.set(best, this.inUse.get(best)! + 1);
    return best;
  }

  release(core: number): void {
    const n = this.inUse.get(core);
    if (n !== undefined && n > 0) this.inUse.set(core, n - 1);
  }
}

/** `argv` run pinned to `core`. */
export function pinnedArgv(argv: readonly string[], core: number): string[] {
  return [TASKSET, '--cpu-list', String(core), ...argv];
}
