// Signal numbers and names, for verdict messages ("killed by SIGSEGV
// (segmentation fault)"). Numbers are Linux's, which is where isolate and
// `local` run; `none` gets names from Node directly.

const byNumber: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE',
  9: 'SIGKILL', 10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
  16: 'SIGSTKFLT', 17: 'SIGCHLD', 18: 'SIGCONT', 19: 'SIGSTOP', 20: 'SIGTSTP', 21: 'SIGTTIN', 22: 'SIGTTOU',
  23: 'SIGURG', 24: 'SIGXCPU', 25: 'SIGXFSZ', 26: 'SIGVTALRM', 27: 'SIGPROF', 28: 'SIGWINCH', 29: 'SIGIO',
  30: 'SIGPWR', 31: 'SIGSYS',
};

const meaning: Record<string, string> = {
  SIGSEGV: 'segmentation fault: invalid memory access or stack overflow',
  SIGABRT: 'aborted: assertion failed or uncaught exception',
  SIGFPE: 'arithmetic error, e.g. division by zero',
  SIGBUS: 'bus error',
  SIGILL: 'illegal instruction',
  SIGKILL: 'killed',
  SIGPIPE: 'broken pipe',
  SIGXCPU: 'CPU time limit',
  SIGXFSZ: 'file size limit',
};

/** `11` → `SIGSEGV`; unknown numbers become `signal N`. */
export function signalName(n: number): string {
  return byNumber[n] ?? `signal ${n}`;
}

/** `SIGSEGV` → `SIGSEGV (segmentation fault: …)`. */
export function describeSignal(name: string): string {
  const m = meaning[name];
  return m ? `${name} (${m})` : name;
}
