// Output comparison: exact, ignoring trailing whitespace, whitespace-
// insensitive tokens, and numbers within an absolute or relative tolerance.
// Each answers whether the output is accepted and, if not, where it differs:
// in a sentence, and as a position in the program's output.

import { plural, type GradingCompare } from '@classpod/protocol';
import { firstDifferentColumn, type DiffPosition } from './output-diff';

/** The comparison's answer. */
export interface CompareOutcome {
  accepted: boolean;
  /** Where the first difference is, in a sentence (empty when accepted). */
  message: string;
  /** Where the first difference is, as a position (absent when accepted). */
  at?: DiffPosition;
}

/** Default tolerance of `float` when the spec names none. */
export const DEFAULT_FLOAT_TOLERANCE = 1e-6;

const ok: CompareOutcome = { accepted: true, message: '' };

/** Compare actual output with the expected output (checker mode is handled elsewhere). */
export function compareOutput(expected: string, actual: string, how: GradingCompare): CompareOutcome {
  switch (how.mode) {
    case 'exact':
      return expected === actual ? ok : firstLineDifference(expected.split('\n'), actual.split('\n'));
    case 'trailing-whitespace':
    case 'checker': {
      const e = trimLines(expected);
      const a = trimLines(actual);
      return e.join('\n') === a.join('\n') ? ok : firstLineDifference(e, a);
    }
    case 'tokens':
      return compareTokens(tokens(expected), tokens(actual), (x, y) =>
        how.ignoreCase ? x.toLowerCase() === y.toLowerCase() : x === y,
      );
    case 'float': {
      const abs = how.absTolerance ?? (how.relTolerance === undefined ? DEFAULT_FLOAT_TOLERANCE : 0);
      const rel = how.relTolerance ?? (how.absTolerance === undefined ? DEFAULT_FLOAT_TOLERANCE : 0);
      return compareTokens(tokens(expected), tokens(actual), (x, y) => numbersClose(x, y, abs, rel));
    }
  }
}

/** Whether two tokens are equal, or both numbers within `abs` or `rel` of each other. */
export function numbersClose(expected: string, actual: string, abs: number, rel: number): boolean {
  if (expected === actual) return true;
  const number = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  if (!number.test(expected) || !number.test(actual)) return false;
  const e = Number(expected);
  const a = Number(actual);
  if (!Number.isFinite(e) || !Number.isFinite(a)) return false;
  const diff = Math.abs(e - a);
  return diff <= abs || diff <= rel * Math.abs(e);
}

/** A whitespace-separated token and where it starts (1-based line and column). */
interface Token {
  text: string;
  line: number;
  column: number;
}

function tokens(text: string): Token[] {
  const out: Token[] = [];
  text.replace(/\r\n/g, '\n').split('\n').forEach((l, i) => {
    for (const m of l.matchAll(/\S+/g)) out.push({ text: m[0], line: i + 1, column: (m.index ?? 0) + 1 });
  });
  return out;
}

function trimLines(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n').map((l) => l.replace(/[ \t\r]+$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function compareTokens(e: Token[], a: Token[], same: (x: string, y: string) => boolean): CompareOutcome {
  const n = Math.min(e.length, a.length);
  for (let i = 0; i < n; i++) {
    if (!same(e[i]!.text, a[i]!.text)) {
      return {
        accepted: false,
        message: `token ${i + 1}: expected ${quote(e[i]!.text)}, got ${quote(a[i]!.text)}`,
        at: { line: a[i]!.line, column: a[i]!.column, expectedLine: e[i]!.line },
      };
    }
  }
  if (e.length === a.length) return ok;
  if (e.length > a.length) {
    const last = a[a.length - 1];
    return {
      accepted: false,
      message: `output ends after ${plural(a.length, 'token')}; expected ${e.length} (next: ${quote(e[a.length]!.text)})`,
      at: { line: last ? last.line : 1, column: last ? last.column + last.text.length : 1, expectedLine: e[a.length]!.line },
    };
  }
  const extra = a[e.length]!;
  const lastExpected = e[e.length - 1];
  return {
    accepted: false,
    message: `${plural(a.length - e.length, 'unexpected extra token')} (first: ${quote(extra.text)})`,
    at: { line: extra.line, column: extra.column, expectedLine: lastExpected ? lastExpected.line : 1 },
  };
}

function firstLineDifference(e: string[], a: string[]): CompareOutcome {
  const n = Math.max(e.length, a.length);
  for (let i = 0; i < n; i++) {
    if (e[i] === a[i]) continue;
    if (a[i] === undefined) {
      return { accepted: false, message: `output ends at line ${i}; expected line ${i + 1}: ${quote(e[i]!)}`, at: { line: i + 1, column: 1, expectedLine: i + 1 } };
    }
    if (e[i] === undefined) return { accepted: false, message: `unexpected extra line ${i + 1}: ${quote(a[i]!)}`, at: { line: i + 1, column: 1, expectedLine: i + 1 } };
    return {
      accepted: false,
      message: `line ${i + 1}: expected ${quote(e[i]!)}, got ${quote(a[i]!)}`,
      at: { line: i + 1, column: firstDifferentColumn(e[i]!, a[i]!), expectedLine: i + 1 },
    };
  }
  return { accepted: false, message: 'output differs in line endings or whitespace' };
}

/** Quote a piece of output for a message, shortened. */
export function quote(text: string, max = 60): string {
  const s = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(s);
}
