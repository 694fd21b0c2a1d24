// CPU and memory of a local workspace, as the Cluster view shows them for
// each workspace row: read from Linux's /proc for the agent's process and
// every process under it (the student's shells and programs). CPU is the
// average over the time since the previous reading (since the process
// started, for the first), in millicores; memory is the resident set.
// Elsewhere than Linux, or for a process that is gone, there is no reading.

import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on every Linux the project runs on). */
const TICKS_PER_SECOND = 100;

/** The fields of /proc/PID/stat the reading uses: CPU time (ticks) and start time (ticks after boot). */
export function parseProcStat(text: string): { cpuTicks: number; startTicks: number } | undefined {
  // The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
  const end = text.lastIndexOf(')');
  if (end < 0) return undefined;
  const fields = text.slice(end + 2).trim().split(/\s+/);
  // After the name: state(3) ppid(4) … utime(14) stime(15) … starttime(22), so index = field - 3.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const start = Number(fields[19]);
  if (![utime, stime, start].every(Number.isFinite)) return undefined;
  return { cpuTicks: utime + stime, startTicks: start };
}

/** VmRSS of /proc/PID/status, in bytes. */
export function parseRssBytes(statusText: string): number | undefined {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(statusText);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** The pid and every descendant of it still alive. */
function processTree(pid: number): number[] {
  const out: number[] = [];
  const todo = [pid];
  while (todo.length > 0 && out.length < 4096) {
    const p = todo.pop()!;
    out.push(p);
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim().split(/\s+/)) if (c) todo.push(Number(c));
      } catch {
        // the task ended meanwhile
      }
    }
  }
  return out;
}

/** Readings of process trees over time; one per workspace, keyed by its root pid. */
export class ProcessUsageSampler {
  private readonly last = new Map<number, { cpuTicks: number; atMs: number }>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  /** CPU (millicores) and memory (bytes) of `pid` and its descendants now; undefined when it cannot be read. */
  sample(pid: number): { cpuMillicores: number; memoryBytes: number } | undefined {
    let uptimeSeconds: number;
    let root: { cpuTicks: number; startTicks: number } | undefined;
    try {
      uptimeSeconds = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
      root = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      this.last.delete(pid);
      return undefined;
    }
    if (!root || !Number.isFinite(uptimeSeconds)) return undefined;
    let cpuTicks = 0;
    let memoryBytes = 0;
    for (const p of processTree(pid)) {
      try {
        cpuTicks += parseProcStat(readFileSync(`/proc/${p}/stat`, 'utf8'))?.cpuTicks ?? 0;
        memoryBytes += parseRssBytes(readFileSync(`/proc/${p}/status`, 'utf8')) ?? 0;
      } catch {
        // ended meanwhile
      }
    }
    const now = this.nowMs();
    const previous = this.last.get(pid);
    this.last.set(pid, { cpuTicks, atMs: now });
    const since = previous ?? { cpuTicks: 0, atMs: now - Math.max(1, (uptimeSeconds - root.startTicks / TICKS_PER_SECOND) * 1000) };
    const elapsedMs = Math.max(1, now - since.atMs);
    const cpuMs = (Math.max(0, cpuTicks - since.cpuTicks) / TICKS_PER_SECOND) * 1000;
    return { cpuMillicores: Math.round((cpuMs / elapsedMs) * 1000), memoryBytes };
  }

  /** Forget a workspace that stopped. */
  forget(pid: number): void {
    this.last.delete(pid);
  }
}
