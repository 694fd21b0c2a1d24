// What processes cost in memory, from /proc/PID/smaps_rollup: resident (RSS),
// proportional (PSS: each shared page divided among the processes that map it)
// and private (pages no other process maps). The figures a benchmark sums for a
// workspace are those of its whole process tree (bwrap, the agent, its shells).
import { readdirSync, readFileSync } from 'node:fs';

const KiB = 1024;
export const MiB = 1024 * 1024;

/** RSS, PSS and private bytes of one process, or undefined once it is gone. */
export function processMemory(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * KiB;
  return { rss: field('Rss'), pss: field('Pss'), private: field('Private_Clean') + field('Private_Dirty') };
}

/** Every process now: pid, parent pid and command line. */
export function processTable() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      out.push({ pid: Number(name), ppid, cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The pids of `roots` and all their descendants in `table`. */
export function withDescendants(roots, table = processTable()) {
  const children = new Map();
  for (const p of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const seen = new Set();
  const stack = [...roots];
  while (stack.length > 0) {
    const pid = stack.pop();
    if (seen.has(pid)) continue;
    seen.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return [...seen];
}

/** The processes whose command line names `text` (a workspace folder, a data folder), with their descendants. */
export function processesNaming(text, table = processTable()) {
  return withDescendants(
    table.filter((p) => p.pid !== process.pid && p.cmdline.includes(text)).map((p) => p.pid),
    table,
  );
}

/** RSS, PSS and private bytes summed over `pids` (processes gone meanwhile count nothing). */
export function sumMemory(pids) {
  const total = { rss: 0, pss: 0, private: 0, processes: 0 };
  for (const pid of pids) {
    const m = processMemory(pid);
    if (!m) continue;
    total.rss += m.rss;
    total.pss += m.pss;
    total.private += m.private;
    total.processes += 1;
  }
  return total;
}

/** MiB with one decimal. */
export const mib = (bytes) => (bytes / MiB).toFixed(1);
