// The one place the extension turns a grading result into words: verdict
// names, the ✔/✘ mark, a test's label ("examples/small", "hidden test 2 of
// 4"), its line, the output difference as text or as the two documents of a
// diff editor, and the score with an override's comment. The student's Show
// Results, the Testing view and the professor's tree all read the same
// fields (protocol's TestResultView) through these functions.

import type { OutputDiff, ScoreOverride, TestResultView, Verdict } from '@classpod/protocol';

const VERDICT_NAMES: Record<Verdict, string> = {
  AC: 'Accepted',
  WA: 'Wrong answer',
  TLE: 'Time limit exceeded',
  WLE: 'Wall-clock limit exceeded',
  MLE: 'Memory limit exceeded',
  RE: 'Runtime error',
  OLE: 'Output limit exceeded',
  CE: 'Compilation error',
  SE: 'System error',
};

/** "Accepted", "Wrong answer", …; a code this version does not know reads as itself. */
export function verdictName(verdict: Verdict | string): string {
  return (VERDICT_NAMES as Record<string, string>)[verdict] ?? verdict;
}

/** A test passed when the grader accepted it; the mark and the icon follow the verdict alone. */
export function isPassed(t: Pick<TestResultView, 'verdict'>): boolean {
  return t.verdict === 'AC';
}

/** ✔ for an accepted test, ✘ for every other verdict. */
export function passMark(t: Pick<TestResultView, 'verdict'>): '✔' | '✘' {
  return isPassed(t) ? '✔' : '✘';
}

/** "8/10", "8.5/10", or "8" without a maximum. */
export function formatScore(score: number, maxScore?: number): string {
  const s = Number.isInteger(score) ? String(score) : score.toFixed(1);
  return maxScore !== undefined ? `${s}/${maxScore}` : s;
}

/**
 * What a test is called: `group/name` for a public test; a hidden test by its
 * name when the viewer may see it (`group/name (hidden)`), else by its place:
 * "hidden test 2 of 4".
 */
export function testLabel(t: Pick<TestResultView, 'name' | 'group' | 'public' | 'hiddenIndex'>, hiddenTests: number): string {
  const named = t.name !== undefined ? `${t.group ? `${t.group}/` : ''}${t.name}` : undefined;
  if (t.public) return named ?? 'test';
  if (named !== undefined) return `${named} (hidden)`;
  return t.hiddenIndex !== undefined ? `hidden test ${t.hiddenIndex} of ${Math.max(hiddenTests, t.hiddenIndex)}` : 'hidden test';
}

/** Words the grader's messages start with for each verdict. */
const MESSAGE_LEADS: Partial<Record<Verdict, string[]>> = {
  AC: ['accepted'],
  WA: ['wrong answer'],
  RE: ['runtime error'],
  CE: ['compile error', 'compilation error'],
};

/** The grader's message less the verdict it starts with: "line 2: expected …"; empty when it says nothing more. */
export function messageDetail(t: Pick<TestResultView, 'verdict' | 'message'>): string {
  const message = t.message?.trim() ?? '';
  const lower = message.toLowerCase();
  for (const lead of [verdictName(t.verdict).toLowerCase(), ...(MESSAGE_LEADS[t.verdict as Verdict] ?? [])]) {
    if (!lower.startsWith(lead)) continue;
    const rest = message.slice(lead.length);
    if (rest.trim() === '') return '';
    if (rest.startsWith(':')) return rest.slice(1).trim();
    // "accepted (memory not limited on this machine)": the sandbox's note alone.
    const note = /^\s*\((.+)\)\s*$/s.exec(rest);
    if (note) return note[1]!.trim();
  }
  return message;
}

/** "Wrong answer: line 2: expected …", or the verdict's name alone. */
export function verdictAndMessage(t: Pick<TestResultView, 'verdict' | 'message'>): string {
  const detail = messageDetail(t);
  return detail ? `${verdictName(t.verdict)}: ${detail}` : verdictName(t.verdict);
}

/** "✔ examples/small: Accepted — 15/15", "✘ examples/negative: Wrong answer — 0/15 — line 2: expected …". */
export function testLine(t: TestResultView, hiddenTests: number): string {
  const detail = messageDetail(t).split('\n')[0];
  return `${passMark(t)} ${testLabel(t, hiddenTests)}: ${verdictName(t.verdict)} — ${formatScore(t.score, t.maxScore)}${detail ? ` — ${detail}` : ''}`;
}

/** The difference as lines of text: where, then the expected and the actual lines, numbered. */
export function diffLines(d: OutputDiff): string[] {
  const out = [`${d.file ? d.file : 'Output'} differs at line ${d.line}, column ${d.column}:`];
  const side = (title: string, lines: readonly string[], from: number, more: boolean): void => {
    out.push(`  ${title}`);
    if (lines.length === 0) out.push('         (nothing)');
    lines.forEach((l, i) => out.push(`  ${from + i === d.line ? '>' : ' '}${String(from + i).padStart(5)} | ${l}`));
    if (more) out.push('         | …');
  };
  side('expected:', d.expected.lines, d.expected.fromLine, d.expected.more);
  side('yours:', d.actual.lines, d.actual.fromLine, d.actual.more);
  return out;
}

/** The two sides of a diff editor: the excerpts, with a marker where the output goes on. */
export function diffDocuments(d: OutputDiff): { expected: string; actual: string } {
  const doc = (lines: readonly string[], more: boolean): string => [...lines, ...(more ? ['…'] : [])].join('\n') + '\n';
  return { expected: doc(d.expected.lines, d.expected.more), actual: doc(d.actual.lines, d.actual.more) };
}

/** "Score set to 9/10 by prof: “Correct; the checker missed a trailing newline.”" */
export function overrideText(o: ScoreOverride, maxScore: number | undefined, author?: string): string {
  return `Score set to ${formatScore(o.score, maxScore)} by ${author ?? o.authorId}: “${o.comment}”`;
}

/** "+5", "−10", "0": rubric points as staff and students read them. */
export function rubricPoints(points: number): string {
  const n = Number.isInteger(points) ? String(Math.abs(points)) : Math.abs(points).toFixed(1);
  return points > 0 ? `+${n}` : points < 0 ? `−${n}` : '0';
}

/** "3/4 passed · 1 Wrong answer" over the tests of a result. */
export function verdictCounts(tests: readonly Pick<TestResultView, 'verdict'>[]): string {
  const passed = tests.filter(isPassed).length;
  const others = new Map<string, number>();
  for (const t of tests) if (!isPassed(t)) others.set(t.verdict, (others.get(t.verdict) ?? 0) + 1);
  return [`${passed}/${tests.length} passed`, ...[...others].map(([v, n]) => `${n} ${verdictName(v)}`)].join(' · ');
}
