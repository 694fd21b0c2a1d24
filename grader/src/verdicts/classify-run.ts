// Turns the facts of a run into a verdict, the same way for every sandbox:
// which limit ended it, the signal (named), the exit code, measured CPU time
// against the limit, and peak memory against the limit.

import type { GradingLimits, Verdict } from '@classpod/protocol';
import type { RunOutcome } from '../sandboxes/sandbox';
import { describeSignal } from './signals';

/** A run's verdict before output comparison; `null` verdict means it ran cleanly. */
export interface RunClassification {
  verdict: Exclude<Verdict, 'AC' | 'WA' | 'CE'> | null;
  message: string;
}

/** Share of the memory limit above which a failed run counts as out of memory. */
export const MEMORY_NEAR_LIMIT = 0.9;

/** Share of the wall time spent on the CPU above which a run killed by the clock was computing, not waiting. */
export const BUSY_SHARE = 0.05;

/** Classify a run against the limits it had. */
export function classifyRun(o: RunOutcome, limits: GradingLimits): RunClassification {
  if (o.systemError !== null) return { verdict: 'SE', message: `sandbox failed: ${o.systemError}` };
  // Without a CPU measurement (`none`), only the clock can say a program took too long.
  const cpuOver = o.cpuMeasured && o.timeMs > limits.timeMs;
  switch (o.limitHit) {
    case 'output':
      return { verdict: 'OLE', message: `output limit exceeded (${limits.outputKb} KiB)` };
    case 'memory':
      return { verdict: 'MLE', message: `memory limit exceeded (${kib(limits.memoryKb)})` };
    case 'cpu':
      return { verdict: 'TLE', message: `CPU time limit exceeded (${limits.timeMs} ms)` };
    case 'wall':
      if (!o.cpuMeasured) return { verdict: 'TLE', message: `time limit exceeded (stopped after ${limits.wallMs} ms of wall-clock time)` };
      // A program still computing when the clock ran out (on a busy machine) is over time, not idle.
      return cpuOver || o.timeMs >= o.wallMs * BUSY_SHARE
        ? { verdict: 'TLE', message: `CPU time limit exceeded (${limits.timeMs} ms; still computing at the wall-clock limit)` }
        : { verdict: 'WLE', message: `wall-clock limit exceeded (${limits.wallMs} ms) — waiting or sleeping too long` };
    case null:
      break;
  }
  if (o.signal !== null) {
    if (o.signal === 'SIGXCPU') return { verdict: 'TLE', message: `CPU time limit exceeded (${limits.timeMs} ms)` };
    if (o.signal === 'SIGXFSZ') return { verdict: 'OLE', message: `file size limit exceeded (${limits.fileSizeKb} KiB)` };
    if (o.signal === 'SIGKILL' && cpuOver) return { verdict: 'TLE', message: `CPU time limit exceeded (${limits.timeMs} ms)` };
    if (o.memoryKb >= limits.memoryKb * MEMORY_NEAR_LIMIT && o.signal !== 'SIGSEGV') {
      return { verdict: 'MLE', message: `memory limit exceeded (${kib(limits.memoryKb)}); ended by ${o.signal}` };
    }
    return { verdict: 'RE', message: `runtime error: killed by ${describeSignal(o.signal)}` };
  }
  if (cpuOver) return { verdict: 'TLE', message: `CPU time limit exceeded (${o.timeMs} ms used, limit ${limits.timeMs} ms)` };
  if (o.memoryKb > limits.memoryKb) {
    return { verdict: 'MLE', message: `memory limit exceeded (${kib(o.memoryKb)} used, limit ${kib(limits.memoryKb)})` };
  }
  if (o.exitCode !== 0) {
    if (o.memoryKb >= limits.memoryKb * MEMORY_NEAR_LIMIT) {
      return {
        verdict: 'MLE',
        message: `memory limit exceeded: exit code ${o.exitCode} after using ${kib(o.memoryKb)} of ${kib(limits.memoryKb)} (allocation refused)`,
      };
    }
    return { verdict: 'RE', message: `runtime error: exit code ${o.exitCode ?? 'unknown'}` };
  }
  return { verdict: null, message: '' };
}

function kib(n: number): string {
  return n >= 1024 ? `${Math.round(n / 1024)} MiB` : `${n} KiB`;
}
