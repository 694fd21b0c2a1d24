// The one interface every sandbox implements. A sandbox hands out boxes: a
// private folder the engine fills with files, in which commands run under
// limits. A run reports facts (exit code, signal, which limit killed it,
// time, memory, how memory was limited, whether the process limit was
// reached, output), normalised the same way by every sandbox;
// `classifyRun` turns them into a verdict by the rules in the README.

import type { GradingLimits } from '@classpod/protocol';

/** Sandbox plugin names. */
export type SandboxName = 'isolate' | 'local' | 'none';

/** One command to run in a box. */
export interface RunRequest {
  /** Argument vector; a relative program (`./main`) is looked up in the box. */
  argv: readonly string[];
  stdin: string | Uint8Array;
  limits: GradingLimits;
  /** Whether the memory limit may be enforced as an address-space limit (false for JVM, V8). */
  addressSpaceLimit: boolean;
  /** Extra environment variables. */
  env?: Readonly<Record<string, string>>;
  /** Stops the run (kills everything it started). */
  signal?: AbortSignal;
}

/** Which limit the sandbox enforced by ending the run. */
export type LimitHit = 'cpu' | 'wall' | 'memory' | 'output';

/**
 * How a run's memory limit was enforced: by a memory control group (the
 * kernel's OOM killer, swap off), as an address-space limit (allocations
 * fail; JVM and V8 cannot run under one), or not at all.
 */
export type MemoryEnforcement = 'cgroup' | 'address-space' | 'none';

/** What happened to one run: facts, not yet a verdict. */
export interface RunOutcome {
  /** Exit code when the program exited on its own. */
  exitCode: number | null;
  /** Signal name (`SIGSEGV`) when a signal ended it. */
  signal: string | null;
  /** Set when the sandbox ended the run for going over a limit. */
  limitHit: LimitHit | null;
  /** Set when the sandbox itself failed: the run says nothing about the program. */
  systemError: string | null;
  /** CPU time (ms); equal to wall time where CPU time cannot be measured. */
  timeMs: number;
  /** False where the sandbox cannot measure CPU time (`none`): time limits are then judged by the clock alone. */
  cpuMeasured: boolean;
  wallMs: number;
  /** Peak memory of the program itself (KiB: its largest process's resident set); 0 when it cannot be measured. */
  memoryKb: number;
  /** How the memory limit was enforced. */
  memoryLimit: MemoryEnforcement;
  /** Whether creating a process or thread was refused at the process limit; null where the sandbox cannot tell. */
  processLimitReached: boolean | null;
  /**
   * When the wall clock stopped it: how long the program was running or ready to run but waiting for a CPU (ms),
   * so that a program starved on a busy machine still counts as computing; null or absent where the sandbox cannot tell.
   */
  runnableMs?: number | null;
  stdout: Buffer;
  /** Standard error, truncated. */
  stderr: Buffer;
}

/** A private folder in which commands run. Disposing it ends everything in it. */
export interface Box {
  /** Host path of the box's working folder (put files here before a run). */
  readonly dir: string;
  run(request: RunRequest): Promise<RunOutcome>;
  dispose(): Promise<void>;
}

/** A sandbox plugin. */
export interface Sandbox {
  readonly name: SandboxName;
  /** False for `none`: the program runs with the user's own rights. */
  readonly isolating: boolean;
  /** One line for people, e.g. "none — NOT a sandbox: limits and timeouts only". */
  readonly description: string;
  /** Whether runs are limited by control groups (known after the first box for isolate); absent: never. */
  readonly usesCgroups?: boolean;
  openBox(): Promise<Box>;
  dispose(): Promise<void>;
}

/** An outcome for when the sandbox failed before or while running. */
export function systemErrorOutcome(message: string, wallMs = 0): RunOutcome {
  return {
    exitCode: null,
    signal: null,
    limitHit: null,
    systemError: message,
    timeMs: 0,
    cpuMeasured: true,
    wallMs,
    memoryKb: 0,
    memoryLimit: 'none',
    processLimitReached: null,
    runnableMs: null,
    stdout: Buffer.alloc(0),
    stderr: Buffer.alloc(0),
  };
}
