// The public tests of an assignment folder, read from the public test
// specification the hub writes into `.classpod/tests/spec.json`, and the
// results of a run mapped per test with an expected-versus-actual difference
// that VS Code's Testing view can show.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GradingSpec, validator, type GradeResult, type TestCaseResult } from '@classpod/protocol';

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
  verdict: string;
  /** "Wrong answer: line 2 differs" etc. */
  message: string;
  durationMs?: number;
  score: number;
  maxScore: number;
  /** Expected and actual output around the first difference, when the run shows one. */
  expected?: string;
  actual?: string;
}

const verdictWords: Record<string, string> = {
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

/** "Wrong answer", "Accepted", …; unknown verdicts as they are. */
export function verdictText(verdict: string): string {
  return verdictWords[verdict] ?? verdict;
}

/**
 * Split a short unified diff (`@@ line N @@`, `  context`, `- expected`,
 * `+ actual`) into the expected and actual text it shows.
 */
export function expectedAndActual(diff: string): { expected: string; actual: string } | undefined {
  const expected: string[] = [];
  const actual: string[] = [];
  let any = false;
  for (const line of diff.split('\n')) {
    if (line.startsWith('@@')) continue;
    const tag = line.slice(0, 2);
    const text = line.slice(2);
    if (tag === '  ') {
      expected.push(text);
      actual.push(text);
    } else if (tag === '- ') {
      expected.push(text);
      any = true;
    } else if (tag === '+ ') {
      actual.push(text);
      any = true;
    }
  }
  return any ? { expected: expected.join('\n') + '\n', actual: actual.join('\n') + '\n' } : undefined;
}

/** "Wrong answer: line 2 differs", without saying the verdict twice when the grader's message already does. */
export function messageOf(words: string, message: string | undefined): string {
  if (!message || message.toLowerCase() === words.toLowerCase()) return words;
  if (message.toLowerCase().startsWith(words.toLowerCase())) return words + message.slice(words.length);
  return `${words}: ${message}`;
}

export function outcomeOf(result: TestCaseResult): TestOutcomeView {
  const passed = result.verdict === 'AC';
  const diff = result.diff ? expectedAndActual(result.diff) : undefined;
  const words = verdictText(result.verdict);
  return {
    id: `${result.group}/${result.name}`,
    passed,
    skipped: false,
    verdict: result.verdict,
    message: messageOf(words, result.message),
    durationMs: result.wallMs,
    score: result.score,
    maxScore: result.maxScore,
    ...(diff ?? {}),
  };
}

/** Per-test outcomes of a whole run; a build failure marks every test with the compiler's output. */
export function outcomesOf(result: GradeResult, tests: readonly PublicTest[]): TestOutcomeView[] {
  if (result.compile.status !== 'OK') {
    const message = result.compile.status === 'CE' ? `Compilation error:\n${result.compile.output}` : `The test run failed: ${result.compile.output}`;
    return tests.map((t) => ({ id: t.id, passed: false, skipped: false, verdict: result.compile.status, message, score: 0, maxScore: 0 }));
  }
  const byId = new Map(result.tests.map((r) => [`${r.group}/${r.name}`, outcomeOf(r)]));
  return tests.map((t) => byId.get(t.id) ?? { id: t.id, passed: false, skipped: true, verdict: 'skipped', message: 'Not run', score: 0, maxScore: 0 });
}

/** "3 of 4 public tests pass · 7.5/10 points". */
export function summaryLine(result: GradeResult): string {
  const passed = result.tests.filter((t) => t.verdict === 'AC').length;
  return `${passed} of ${result.tests.length} public test${result.tests.length === 1 ? '' : 's'} pass · ${result.score}/${result.maxScore} points`;
}
