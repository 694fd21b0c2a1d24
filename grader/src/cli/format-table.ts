// The readable table `classpod-grade` prints: one line per test with its
// verdict, time, memory and points, then the total; public tests show why
// they failed and a short difference.

import type { GradeResult, OutputDiff } from '@classpod/protocol';

const NAMES: Record<string, string> = {
  AC: 'accepted',
  WA: 'wrong answer',
  TLE: 'time limit',
  WLE: 'wall-time limit',
  MLE: 'memory limit',
  RE: 'runtime error',
  OLE: 'output limit',
  CE: 'compile error',
  SE: 'system error',
};

/** Format a result as text for a terminal. */
export function formatResultTable(result: GradeResult, sandboxDescription?: string): string {
  const lines: string[] = [];
  if (sandboxDescription) lines.push(`sandbox: ${sandboxDescription}`);
  lines.push(`build: ${result.compile.status}${result.compile.cached ? ' (cached)' : ''}`);
  if (result.compile.status !== 'OK' && result.compile.output) lines.push(indent(result.compile.output.trimEnd()));
  const rows = result.tests.map((t) => [
    t.group,
    t.name + (t.public ? '' : ' (hidden)'),
    `${t.verdict} ${NAMES[t.verdict] ?? ''}`,
    `${Math.round(t.timeMs)} ms`,
    t.memoryKb ? `${Math.round(t.memoryKb / 1024)} MiB` : '-',
    `${fmt(t.score)}/${fmt(t.maxScore)}`,
  ]);
  const header = ['group', 'test', 'verdict', 'time', 'memory', 'score'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const row = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  lines.push('', row(header), row(widths.map((w) => '-'.repeat(w))));
  for (const [i, t] of result.tests.entries()) {
    lines.push(row(rows[i]!));
    if (t.verdict !== 'AC' && t.verdict !== 'CE' && t.message) lines.push(indent(t.message));
    if (t.diff) lines.push(indent(diffText(t.diff)));
  }
  lines.push('', `score: ${fmt(result.score)} / ${fmt(result.maxScore)}`);
  if (result.systemError) lines.push('SYSTEM ERROR: the sandbox failed; this result is not charged and must be graded again.');
  return lines.join('\n');
}

/** The difference as a terminal shows it: where, then `- expected` and `+ actual` lines. */
export function diffText(d: OutputDiff): string {
  const out = [`${d.file ?? 'output'}: first difference at line ${d.line}, column ${d.column}`];
  const side = (mark: string, lines: string[], from: number, more: boolean): void => {
    lines.forEach((l, i) => out.push(`${mark} ${String(from + i).padStart(4)} | ${l}`));
    if (more) out.push(`${mark}      | …`);
    if (lines.length === 0) out.push(`${mark}      | (nothing)`);
  };
  side('-', d.expected.lines, d.expected.fromLine, d.expected.more);
  side('+', d.actual.lines, d.actual.fromLine, d.actual.more);
  return out.join('\n');
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
