// Turns the facts of a run into a verdict, the same way for every sandbox,
// by the rules written in grader/README.md ("Verdicts"), checked in order:
//  1. the sandbox failed                                   → SE
//  2. output or file size limit                             → OLE
//  3. OOM kill, and the program's own memory reached the
//     limit (≥ 90 %)                                        → MLE
//  4. the process limit was reached, and then a limit, the
//     OOM killer, SIGKILL or SIGXCPU ended the run           → RE "too many processes"
//  5. any other OOM kill                                    → MLE
//  6. CPU limit; wall clock while computing (or ready to, but
//     starved of a CPU on a busy machine)                   → TLE; wall clock while idle → WLE
//  7. killed by a signal: SIGXCPU → TLE, SIGKILL over the CPU limit → TLE,
//     a crash near the memory limit → MLE, else             → RE (the signal named)
//  8. finished over the CPU limit → TLE, over the memory limit → MLE,
//     a non-zero exit near the memory limit → MLE, else      → RE (the exit code)
// Rule 4 makes a fork bomb one verdict whichever limit stops it first: the
// CPU time it spends retrying, or the kernel memory its refused forks charge
// to the run's group until the OOM killer acts although the program itself
// is tiny. Where the memory limit could not be enforced by a memory group,
// the classification carries a note saying so.

import type { GradingLimits, Verdict } from '@classpod/protocol';
import type { RunOutcome } from '../sandboxes/sandbox';
import { describeSignal } from './signals';

/** A run's verdict before output comparison; `null` verdict means it ran cleanly. */
export interface RunClassification {
  verdict: Exclude<Verdict, 'AC' | 'WA' | 'CE'> | null;
  /** Why (includes the note, when there is one). */
  message: string;
  /** Said of every result of such a run, whatever its verdict: how the limits were (not) enforced here. */
  note: string | null;
}

/** Share of the memory limit from which the program's own memory counts as having reached it. */
export const MEMORY_NEAR_LIMIT = 0.9;

/** Share of the wall time spent on the CPU above which a run killed by the clock was computing, not waiting. */
export const BUSY_SHARE = 0.05;

/** Share of the wall time running or waiting for a CPU above which a run killed by the clock was computing (a busy machine starved it). */
export const RUNNABLE_SHARE = 0.5;

/** The note of a run whose memory limit was not enforced by a memory group. */
export function memoryNote(o: Pick<RunOutcome, 'memoryLimit'>): string | null {
  switch (o.memoryLimit) {
    case 'cgroup':
      return null;
    case 'address-space':
      return 'memory limited as address space only: no memory control group on this machine';
    case 'none':
      return 'memory not limited on this machine';
  }
}

/** Classify a run against the limits it had. */
export function classifyRun(o: RunOutcome, limits: GradingLimits): RunClassification {
  const note = memoryNote(o);
  const c = classify(o, limits);
  return { verdict: c.verdict, message: c.verdict && note ? `${c.message} (${note})` : c.message, note };
}

function classify(o: RunOutcome, limits: GradingLimits): Omit<RunClassification, 'note'> {
  if (o.systemError !== null) return { verdict: 'SE', message: `sandbox failed: ${o.systemError}` };
  // Without a CPU measurement (`none`), only the clock can say a program took too long.
  const cpuOver = o.cpuMeasured && o.timeMs > limits.timeMs;
  const ownMemoryAtLimit = o.memoryKb >= limits.memoryKb * MEMORY_NEAR_LIMIT;
  if (o.limitHit === 'output') return { verdict: 'OLE', message: `output limit exceeded (${limits.outputKb} KiB)` };
  if (o.signal === 'SIGXFSZ') return { verdict: 'OLE', message: `file size limit exceeded (${limits.fileSizeKb} KiB)` };
  if (o.limitHit === 'memory' && ownMemoryAtLimit) return { verdict: 'MLE', message: `memory limit exceeded (${kib(limits.memoryKb)})` };
  if (o.processLimitReached === true && (o.limitHit !== null || o.signal === 'SIGKILL' || o.signal === 'SIGXCPU')) {
    const how = o.limitHit === 'memory' ? 'then the kernel memory of its refused forks reached the memory limit' : endedBy(o);
    return { verdict: 'RE', message: `runtime error: too many processes (limit ${limits.processes}); ${how}` };
  }
  switch (o.limitHit) {
    case 'memory':
      return { verdict: 'MLE', message: `memory limit exceeded (${kib(limits.memoryKb)}; the program's largest process used ${kib(o.memoryKb)})` };
    case 'cpu':
      return { verdict: 'TLE', message: `CPU time limit exceeded (${limits.timeMs} ms)` };
    case 'wall':
      if (!o.cpuMeasured) return { verdict: 'TLE', message: `time limit exceeded (stopped after ${limits.wallMs} ms of wall-clock time)` };
      // A program still computing when the clock ran out (on a busy machine) is over time, not idle.
      if (cpuOver || o.timeMs >= o.wallMs * BUSY_SHARE) {
        return { verdict: 'TLE', message: `CPU time limit exceeded (${limits.timeMs} ms; still computing at the wall-clock limit)` };
      }
      if (o.runnableMs != null && o.runnableMs >= o.wallMs * RUNNABLE_SHARE) {
        return { verdict: 'TLE', message: `CPU time limit exceeded (${limits.timeMs} ms; still computing at the wall-clock limit, slowed by a busy machine)` };
      }
      return { verdict: 'WLE', message: `wall-clock limit exceeded (${limits.wallMs} ms) — waiting or sleeping too long` };
    case null:
      break;
  }
  if (o.signal !== null) {
    if (o.signal === 'SIGXCPU') return { verdict: 'TLE', message: `CPU time limit exceeded (${limits.timeMs} ms)` };
    if (o.signal === 'SIGKILL' && cpuOver) return { verdict: 'TLE', message: `CPU time limit exceeded (${limits.timeMs} ms)` };
    if (ownMemoryAtLimit && o.signal !== 'SIGSEGV') {
      return { verdict: 'MLE', message: `memory limit exceeded (${kib(limits.memoryKb)}); ended by ${o.signal}` };
    }
    return { verdict: 'RE', message: `runtime error: killed by ${describeSignal(o.signal)}${afterProcessLimit(o, limits)}` };
  }
  if (cpuOver) return { verdict: 'TLE', message: `CPU time limit exceeded (${o.timeMs} ms used, limit ${limits.timeMs} ms)` };
  if (o.memoryKb > limits.memoryKb) {
    return { verdict: 'MLE', message: `memory limit exceeded (${kib(o.memoryKb)} used, limit ${kib(limits.memoryKb)})` };
  }
  if (o.exitCode !== 0) {
    if (ownMemoryAtLimit) {
      return {
        verdict: 'MLE',
        message: `memory limit exceeded: exit code ${o.exitCode} after using ${kib(o.memoryKb)} of ${kib(limits.memoryKb)} (allocation refused)`,
      };
    }
    return { verdict: 'RE', message: `runtime error: exit code ${o.exitCode ?? 'unknown'}${afterProcessLimit(o, limits)}` };
  }
  return { verdict: null, message: '' };
}

function afterProcessLimit(o: RunOutcome, limits: GradingLimits): string {
  return o.processLimitReached ? ` after reaching the process limit (${limits.processes})` : '';
}

function endedBy(o: RunOutcome): string {
  switch (o.limitHit) {
    case 'cpu':
      return 'it was then stopped at the CPU time limit';
    case 'wall':
      return 'it was then stopped at the wall-clock limit';
    default:
      return `it was then killed by ${o.signal ? describeSignal(o.signal) : 'the sandbox'}`;
  }
}

function kib(n: number): string {
  return n >= 1024 ? `${Math.round(n / 1024)} MiB` : `${n} KiB`;
}
