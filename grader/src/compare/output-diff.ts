// Where a public test's output first differs from the expected output, as
// data (protocol's OutputDiff): the line and column of the first wrong
// character of the program's output, and a few lines of both outputs around
// it, capped in size. Views render it; nothing here makes words.

import type { DiffExcerpt, OutputDiff } from '@classpod/protocol';

/** Where a comparison found the first difference: 1-based, in the program's output and the expected one. */
export interface DiffPosition {
  /** Line of the program's output. */
  line: number;
  /** Column (characters) in that line. */
  column: number;
  /** The expected output's line that corresponds to it. */
  expectedLine: number;
}

/** Size of the excerpts. */
export interface DiffExcerptLimits {
  /** Lines shown before the first difference. */
  before: number;
  /** Lines shown from the first difference on. */
  after: number;
  /** Characters kept of a long line. */
  maxLineChars: number;
}

export const DEFAULT_DIFF_LIMITS: DiffExcerptLimits = { before: 2, after: 4, maxLineChars: 120 };

/** Lines of an output, without line ends, CRLF read as LF, one final newline ignored. */
export function outputLines(text: string): string[] {
  const t = text.replace(/\r\n/g, '\n');
  if (t === '') return [];
  return (t.endsWith('\n') ? t.slice(0, -1) : t).split('\n');
}

/** The first place the two outputs differ character by character, or undefined when they are equal. */
export function firstDifference(expected: string, actual: string): DiffPosition | undefined {
  const e = outputLines(expected);
  const a = outputLines(actual);
  const n = Math.max(e.length, a.length);
  for (let i = 0; i < n; i++) {
    if (e[i] === a[i]) continue;
    const column = a[i] === undefined || e[i] === undefined ? 1 : firstDifferentColumn(e[i]!, a[i]!);
    return { line: i + 1, column, expectedLine: i + 1 };
  }
  // Equal lines: only the final newline or a carriage return differs.
  return expected === actual ? undefined : { line: Math.max(1, a.length), column: (a[a.length - 1]?.length ?? 0) + 1, expectedLine: Math.max(1, e.length) };
}

/** 1-based column of the first character where two lines differ (one past the shorter line when one is a prefix). */
export function firstDifferentColumn(e: string, a: string): number {
  let i = 0;
  while (i < e.length && i < a.length && e[i] === a[i]) i++;
  return i + 1;
}

/**
 * The difference of two outputs as data; `at` is where the comparison found
 * it (the first textual difference when absent); undefined when they are equal.
 */
export function outputDiff(expected: string, actual: string, at?: DiffPosition, file?: string, limits: DiffExcerptLimits = DEFAULT_DIFF_LIMITS): OutputDiff | undefined {
  const where = at ?? firstDifference(expected, actual);
  if (!where) return undefined;
  return {
    ...(file !== undefined ? { file } : {}),
    line: where.line,
    column: where.column,
    expected: excerpt(outputLines(expected), where.expectedLine, limits),
    actual: excerpt(outputLines(actual), where.line, limits),
  };
}

function excerpt(lines: string[], line: number, limits: DiffExcerptLimits): DiffExcerpt {
  const from = Math.max(1, line - limits.before);
  const to = Math.min(lines.length, line + limits.after - 1);
  const cut = (l: string): string => (l.length > limits.maxLineChars ? `${l.slice(0, limits.maxLineChars)}…` : l);
  return { fromLine: from, lines: lines.slice(from - 1, Math.max(from - 1, to)).map(cut), more: lines.length > to };
}
