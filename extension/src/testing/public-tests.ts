// The public tests of an assignment folder, read from the public test
// specification the hub writes into `.classpod/tests/spec.json`, and the
// results of a run mapped per test with the expected-versus-actual
// difference (data from the grader) that VS Code's Testing view can show.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GradingSpec, validator, type TestResultView, type Verdict } from '@classpod/protocol';
import { diffDocuments, diffLines, formatScore, isPassed, passMark, verdictAndMessage, verdictName } from '../results/result-text';
import type { RunResult } from './test-runners';

export const PUBLIC_SPEC_PATH = '.classpod/tests/spec.json';
const specValidator = validator(GradingSpec);

/** One public test as the Testing view lists it. */
export interface PublicTest {
  /** `group/name`, unique in the assignment. */
  id: string;
  group: string;
  name: string;
  /** Expected standard output, when the spec gives one. */
  expectedStdout?: string;
}

/** Read and validate the folder's public specification; undefined when it has none. */
export async function loadPublicSpec(folder: string): Promise<GradingSpec | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(folder, PUBLIC_SPEC_PATH), 'utf8');
  } catch {
    return undefined;
  }
  return specValidator.assert(JSON.parse(text), PUBLIC_SPEC_PATH);
}

/** The public tests of a specification, in order. */
export function publicTests(spec: GradingSpec): PublicTest[] {
  return spec.groups.flatMap((g) =>
    g.tests
      .filter((t) => t.public)
      .map((t) => ({ id: `${g.name}/${t.name}`, group: g.name, name: t.name, ...(t.expectedStdout !== undefined ? { expectedStdout: t.expectedStdout } : {}) })),
  );
}

/** One test's outcome, ready to show. */
export interface TestOutcomeView {
  id: string;
  passed: boolean;
  /** Skipped: the program did not build. */
  skipped: boolean;
  verdict: Verdict | 'skipped';
  /** ✔, ✘, or – when skipped. */
  mark: string;
  /** "Wrong answer: line 2: expected …" etc. */
  message: string;
  durationMs?: number;
  score: number;
  maxScore: number;
  /** Expected and actual output around the first difference, when the run shows one. */
  expected?: string;
  actual?: string;
  /** One line for beside the test in the editor: "Wrong answer: expected “6 2.000”, got “6 2.500” (line 1) · 12 ms". */
  inline: string;
}

/** "“6 2.000”", with an empty line and a missing one told apart. */
function quoted(line: string | undefined): string {
  return line === undefined ? 'nothing' : `“${line}”`;
}

/** The one line a person reads beside a failed test: the verdict, expected against actual where they differ, and the time. */
export function inlineText(result: TestResultView): string {
  const time = result.wallMs !== undefined ? ` · ${Math.round(result.wallMs)} ms` : '';
  const d = result.diff;
  if (d) {
    const expected = d.expected.lines[d.line - d.expected.fromLine];
    const actual = d.actual.lines[d.line - d.actual.fromLine];
    const where = `${d.file ? `${d.file}, ` : ''}line ${d.line}`;
    // The same line on both sides: the difference is past it (output ended early); the message says what.
    if (expected !== actual) return `${verdictName(result.verdict)}: expected ${quoted(expected)}, got ${quoted(actual)} (${where})${time}`;
  }
  return `${verdictAndMessage(result).split('\n')[0]}${time}`;
}

/** A test's result as the Testing view shows it; the same fields whichever runner produced it. */
export function outcomeOf(result: TestResultView): TestOutcomeView {
  const diff = result.diff ? diffDocuments(result.diff) : undefined;
  const where = result.diff ? `\n${diffLines(result.diff)[0]}` : '';
  return {
    id: `${result.group ?? ''}/${result.name ?? ''}`,
    passed: isPassed(result),
    skipped: false,
    verdict: result.verdict,
    mark: passMark(result),
    message: `${verdictAndMessage(result)}${where}`,
    inline: inlineText(result),
    ...(result.wallMs !== undefined ? { durationMs: result.wallMs } : {}),
    score: result.score,
    maxScore: result.maxScore,
    ...(diff ?? {}),
  };
}

/** Per-test outcomes of a whole run; a build failure marks every test with the compiler's output. */
export function outcomesOf(result: RunResult, tests: readonly PublicTest[]): TestOutcomeView[] {
  if (result.compile.status !== 'OK') {
    const message =
      result.compile.status === 'CE' ? `${verdictName('CE')}:\n${result.compile.output}` : `${verdictName('SE')}: the test run failed: ${result.compile.output}`;
    const verdict = result.compile.status as Verdict;
    return tests.map((t) => ({ id: t.id, passed: false, skipped: false, verdict, mark: passMark({ verdict }), message, inline: message.split('\n')[0]!, score: 0, maxScore: 0 }));
  }
  const byId = new Map(result.tests.filter((r) => r.public).map((r) => [`${r.group}/${r.name}`, outcomeOf(r)]));
  return tests.map((t) => byId.get(t.id) ?? { id: t.id, passed: false, skipped: true, verdict: 'skipped', mark: '–', message: 'Not run', inline: 'Not run', score: 0, maxScore: 0 });
}

/** "3 of 4 public tests pass · 7.5/10 points" (the run's points: all of them on the course server). */
export function summaryLine(result: RunResult): string {
  const shown = result.tests.filter((t) => t.public);
  const passed = shown.filter(isPassed).length;
  return `${passed} of ${shown.length} public test${shown.length === 1 ? '' : 's'} pass · ${formatScore(result.score, result.maxScore)} points`;
}
