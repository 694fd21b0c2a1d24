// Reading the files of a control group, shared by the v1 and v2 run groups:
// flat-keyed files (`oom_kill 1`, `max 3`, `usage_usec 1234`), the list of
// pids in `cgroup.procs`, killing a list of pids, and telling the sandbox's
// own processes in a group from the program's.

import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** `key value` lines → numbers by key (lines whose value is not a number are left out). */
export function parseFlatKeyed(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && value !== '' && !Number.isNaN(Number(value))) out.set(key, Number(value));
  }
  return out;
}

/** The pids listed in a `cgroup.procs` file (none when it cannot be read). */
export async function pidsOf(procsFile: string): Promise<number[]> {
  const text = await readFile(procsFile, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n > 0);
}

/**
 * How long removing a run's group keeps killing and retrying before it gives
 * up. A killed program that was writing a large file can take seconds to leave
 * on a loaded machine, and a run must not end while one of its processes lives.
 */
export const GROUP_REMOVE_DEADLINE_MS = 30_000;

/** SIGKILL each pid; ones already gone are skipped. */
export function killPids(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

/** How long the tasks of `pids` ran or waited for a CPU (ms), from /proc/PID/task/TID/schedstat; gone ones count 0. */
export function runnableMs(pids: readonly number[]): number {
  let ns = 0;
  for (const pid of pids) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
        ns += (run || 0) + (wait || 0);
      } catch {
        // Gone already.
      }
    }
  }
  return Math.round(ns / 1e6);
}

/**
 * The first `length` processes of a chain of parents and children that
 * starts at `first`, among `pids`: `first`, then its child, then that one's
 * child… (the sandbox's own processes, above the program).
 */
export function processChain(first: number, pids: readonly number[], length: number): number[] {
  const parentOf = new Map<number, number>();
  for (const pid of pids) {
    try {
      // The command name (field 2) is in parentheses and may hold spaces: the parent pid follows its closing one.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parentOf.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone already.
    }
  }
  const chain = [first];
  while (chain.length < length) {
    const last = chain[chain.length - 1]!;
    const children = [...parentOf].filter(([, parent]) => parent === last).map(([pid]) => pid);
    if (children.length !== 1) break;
    chain.push(children[0]!);
  }
  return chain;
}
