// A custom checker's exit status, read by the testlib convention:
// 0 accepted, 1 wrong answer, 2 presentation error (wrong answer), 3 the
// checker itself failed (a system error, never the student's fault),
// 4 "dirt" after the answer (wrong answer), 7 partial points — the first
// number on the checker's output is the fraction earned (0..1).

import type { Verdict } from '@classpod/protocol';

/** What a checker decided. */
export interface CheckerDecision {
  verdict: Verdict;
  /** Fraction of the test's points earned (0..1). */
  fraction: number;
  message: string;
}

/** Arguments a testlib checker receives: input, the program's output, the expected answer. */
export const CHECKER_ARGS = ['input.txt', 'output.txt', 'answer.txt'] as const;

/** Turn a checker's exit code and output into a decision. */
export function checkerDecision(exitCode: number | null, signal: string | null, output: string): CheckerDecision {
  const message = output.trim().split('\n')[0]?.slice(0, 300) ?? '';
  if (signal !== null || exitCode === null) return { verdict: 'SE', fraction: 0, message: `checker crashed (${signal ?? 'no exit code'})` };
  switch (exitCode) {
    case 0:
      return { verdict: 'AC', fraction: 1, message };
    case 1:
    case 2:
    case 4:
      return { verdict: 'WA', fraction: 0, message: message || 'checker: wrong answer' };
    case 7: {
      const m = /[-+]?\d*\.?\d+(e[-+]?\d+)?/i.exec(output);
      const fraction = m ? Math.min(1, Math.max(0, Number(m[0]))) : 0;
      return { verdict: fraction >= 1 ? 'AC' : 'WA', fraction, message: message || `partial: ${fraction}` };
    }
    case 3:
      return { verdict: 'SE', fraction: 0, message: `checker failed: ${message}` };
    default:
      return { verdict: 'SE', fraction: 0, message: `checker exited with unexpected status ${exitCode}` };
  }
}
