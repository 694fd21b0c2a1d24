// Reads isolate's `--meta` file and turns it, with isolate's own exit status,
// into the facts of a run. Keys come in no fixed order (`status` comes first
// when isolate killed the program), so the file is read by key, never by
// position. Statuses: RE (exited non-zero), SG (killed by a signal), TO (time
// limit: CPU, or wall clock when the message says so), XX (isolate's own
// failure). With `--cg` (control groups, isolate 2.x on cgroup v2) `time` is
// the CPU time of the whole group, `cg-mem` the group's peak memory
// (`memory.peak`: kernel memory and cached files included, and only on
// kernels that have it) and `cg-oom-killed` marks the group's OOM killer;
// `max-rss` is always the program's own peak resident set, which is the
// memory rules judge. isolate cannot tell whether the process limit
// (`--processes`, an rlimit) refused a fork.

import { signalName } from '../verdicts/signals';
import type { LimitHit, MemoryEnforcement, RunOutcome } from './sandbox';

/** isolate's exit status: 0 the program ran and exited 0, 1 it failed, 2 isolate itself failed. */
export const ISOLATE_EXIT_INTERNAL_ERROR = 2;

/** A parsed meta file. */
export interface IsolateMeta {
  /** Every key as written. */
  values: ReadonlyMap<string, string>;
  status: string | null;
  message: string;
  exitCode: number | null;
  exitSignal: number | null;
  timeMs: number;
  wallMs: number;
  /** The program's own peak memory: max-rss, else cg-mem (KiB). */
  memoryKb: number;
  /** cg-mem: the whole group's peak with --cg (KiB), null without. */
  groupMemoryKb: number | null;
  killed: boolean;
  oomKilled: boolean;
}

/** Parse a meta file (`key:value` lines). */
export function parseIsolateMeta(text: string): IsolateMeta {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) values.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  const num = (key: string): number | null => {
    const v = values.get(key);
    return v === undefined || v === '' || Number.isNaN(Number(v)) ? null : Number(v);
  };
  return {
    values,
    status: values.get('status') ?? null,
    message: values.get('message') ?? '',
    exitCode: num('exitcode'),
    exitSignal: num('exitsig'),
    timeMs: Math.round((num('time') ?? 0) * 1000),
    wallMs: Math.round((num('time-wall') ?? 0) * 1000),
    memoryKb: num('max-rss') ?? num('cg-mem') ?? 0,
    groupMemoryKb: num('cg-mem'),
    killed: num('killed') === 1,
    oomKilled: num('cg-oom-killed') === 1,
  };
}

/** How the run was limited, beyond what the meta file says. */
export interface IsolateRunMode {
  /** How the memory limit was passed: `--cg-mem`, `--mem`, or not at all (JVM, V8 without control groups). */
  memoryLimit: MemoryEnforcement;
}

/** Turn a meta file and isolate's exit status into a run outcome. */
export function isolateOutcome(
  meta: IsolateMeta | null,
  isolateExit: number | null,
  stdout: Buffer,
  stderr: Buffer,
  isolateStderr = '',
  mode: IsolateRunMode = { memoryLimit: meta?.groupMemoryKb != null || meta?.oomKilled ? 'cgroup' : 'address-space' },
): RunOutcome {
  const base = {
    stdout,
    stderr,
    exitCode: null,
    signal: null,
    limitHit: null,
    systemError: null,
    cpuMeasured: true,
    memoryLimit: mode.memoryLimit,
    processLimitReached: null,
    runnableMs: null,
  };
  if (!meta || meta.status === 'XX' || isolateExit === ISOLATE_EXIT_INTERNAL_ERROR || isolateExit === null) {
    const why = meta?.message || isolateStderr.trim().split('\n').pop() || `isolate exited with status ${isolateExit}`;
    return { ...base, systemError: `isolate: ${why}`, timeMs: meta?.timeMs ?? 0, wallMs: meta?.wallMs ?? 0, memoryKb: meta?.memoryKb ?? 0 };
  }
  const measured = { timeMs: meta.timeMs, wallMs: meta.wallMs, memoryKb: meta.memoryKb };
  let limitHit: LimitHit | null = null;
  if (meta.oomKilled) limitHit = 'memory';
  else if (meta.status === 'TO') limitHit = /wall/i.test(meta.message) ? 'wall' : 'cpu';
  const signal = meta.exitSignal !== null ? signalName(meta.exitSignal) : null;
  const exitCode = signal !== null || limitHit === 'cpu' || limitHit === 'wall' ? null : (meta.exitCode ?? (isolateExit === 0 ? 0 : null));
  if (exitCode === null && signal === null && limitHit === null) {
    return { ...base, ...measured, systemError: `isolate reported status ${meta.status ?? 'none'} without an exit code or signal` };
  }
  return { ...base, ...measured, exitCode, signal, limitHit };
}
