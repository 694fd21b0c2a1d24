// Reading the files of a control group, shared by the v1 and v2 run groups:
// flat-keyed files (`oom_kill 1`, `max 3`, `usage_usec 1234`), the list of
// pids in `cgroup.procs`, and killing a list of pids.

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
