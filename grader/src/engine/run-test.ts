// Runs one test case: a fresh box with the build, the program under the
// test's limits (pinned to one core where the sandbox can), then the verdict
// from the run and the comparison of its output (or the custom checker's
// decision). Expected data never enters the program's box. Hidden tests'
// messages never quote expected output.
//
// Time-fair verdicts: a run whose time lies within `nearLimitPercent` of its
// limit, on either side, is repeated in a fresh box up to `maxRuns` runs in
// all; the run with the median time decides, and every run is recorded.

import type { GradingLimits, GradingSpec, OutputDiff, RunMeasurement, SpecTestCase, TestCaseResult, TestRunRecord, Verdict } from '@classpod/protocol';
import { compareOutput } from '../compare/compare-output';
import { outputDiff } from '../compare/output-diff';
import { CHECKER_ARGS, checkerDecision } from '../compare/testlib-checker';
import { expandCommand, LANGUAGES } from '../languages/languages';
import type { RunOutcome, Sandbox } from '../sandboxes/sandbox';
import { classifyRun } from '../verdicts/classify-run';
import { readBoxFile, writeBoxFiles } from './box-files';
import type { BuildCache } from './build-cache';
import { pinnedArgv, type CorePool } from './core-pinning';

/** A built program, ready to copy into boxes. */
export interface BuiltProgram {
  dir: string;
  argv: string[];
  addressSpaceLimit: boolean;
  extraProcesses: number;
}

/** What a test earned: its result (score filled in later) and the fraction of its points. */
export interface TestOutcome {
  result: TestCaseResult;
  fraction: number;
}

/** When a run is repeated. */
export interface TimingPolicy {
  /** A run within this share of a time limit (percent, either side) is repeated. */
  nearLimitPercent: number;
  /** Most runs of one test. */
  maxRuns: number;
}

/** Default time-fair policy: within 10 % of a limit, up to three runs. */
export const DEFAULT_TIMING: TimingPolicy = { nearLimitPercent: 10, maxRuns: 3 };

/** How the runs of a test are made. */
export interface RunContext {
  sandbox: Sandbox;
  cache: BuildCache;
  timing: TimingPolicy;
  /** Cores to pin runs to; null: not pinned. */
  cores: CorePool | null;
  signal?: AbortSignal;
}

/** A test's outcome and the record of all its runs. */
export interface RecordedTestOutcome extends TestOutcome {
  record: TestRunRecord;
}

/**
 * Whether a run's time lies within `percent` of a limit, either side: its CPU
 * time near the CPU limit, or its wall time near the wall-clock limit. A run
 * the clock stopped measures the wall limit by construction and says nothing
 * about how long the program needs, so it is not near.
 */
export function nearTimeLimit(run: Pick<RunOutcome, 'timeMs' | 'wallMs' | 'cpuMeasured' | 'limitHit'>, limits: GradingLimits, percent: number): boolean {
  const near = (t: number, limit: number): boolean => Math.abs(t - limit) <= (limit * percent) / 100;
  return (run.cpuMeasured && near(run.timeMs, limits.timeMs)) || (run.limitHit !== 'wall' && near(run.wallMs, limits.wallMs));
}

/** Index of the run with the median time (the lower median for an even count). */
export function medianRun(runs: readonly Pick<RunMeasurement, 'timeMs'>[]): number {
  const order = runs.map((_, i) => i).sort((a, b) => runs[a]!.timeMs - runs[b]!.timeMs || a - b);
  return order[Math.floor((order.length - 1) / 2)]!;
}

/** The run command of a spec's program. */
export function runCommand(spec: GradingSpec, memoryMb: number): string[] {
  const plugin = LANGUAGES[spec.language];
  const template = spec.run ?? plugin.run;
  return expandCommand(template, { sources: spec.sources.filter((s) => !s.includes('*')), mainClass: spec.mainClass ?? 'Main', memoryMb });
}

/** Run test `test` of group `group`, repeating a run whose time lies near its limit. */
export async function runTest(
  test: SpecTestCase,
  group: string,
  program: BuiltProgram,
  checker: BuiltProgram | null,
  ctx: RunContext,
): Promise<RecordedTestOutcome> {
  const limits = { ...test.limits, processes: test.limits.processes + program.extraProcesses };
  const runs: { outcome: TestOutcome; measured: RunMeasurement; near: boolean }[] = [];
  do {
    runs.push(await runOnce(test, group, program, checker, limits, ctx));
  } while (
    runs.length < Math.max(1, ctx.timing.maxRuns) &&
    runs[0]!.near &&
    !runs.some((r) => r.measured.verdict === 'SE') &&
    !ctx.signal?.aborted
  );
  // A failed sandbox makes the whole test a system error; otherwise the median run decides.
  const failed = runs.findIndex((r) => r.measured.verdict === 'SE');
  const deciding = failed >= 0 ? failed : medianRun(runs.map((r) => r.measured));
  return {
    ...runs[deciding]!.outcome,
    record: { name: test.name, group, limits, runs: runs.map((r) => r.measured), decidingRun: deciding },
  };
}

/** One run in a fresh box: its outcome and measurements. */
async function runOnce(
  test: SpecTestCase,
  group: string,
  program: BuiltProgram,
  checker: BuiltProgram | null,
  limits: GradingLimits,
  ctx: RunContext,
): Promise<{ outcome: TestOutcome; measured: RunMeasurement; near: boolean }> {
  const { sandbox, cache, signal } = ctx;
  const base = { name: test.name, group, public: test.public, score: 0, maxScore: 0 };
  const box = await sandbox.openBox();
  const core = ctx.cores?.acquire() ?? null;
  let held = core !== null;
  const releaseCore = (): void => {
    if (held) ctx.cores!.release(core!);
    held = false;
  };
  try {
    await cache.copyInto(program.dir, box.dir);
    const argv = [...program.argv, ...test.args];
    const run = await box.run({
      argv: core === null ? argv : pinnedArgv(argv, core),
      stdin: test.stdin,
      limits,
      addressSpaceLimit: program.addressSpaceLimit,
      ...(signal ? { signal } : {}),
    });
    releaseCore();
    const measured = { timeMs: run.timeMs, wallMs: run.wallMs, memoryKb: run.memoryKb };
    // How the sandbox (could not) enforce the limits here, said of every verdict ("memory not limited on this machine").
    let note: string | null = null;
    const noted = (message: string): string => (note && !message.includes(note) ? `${message} (${note})` : message);
    const done = (verdict: Verdict, fraction: number, message: string, diff?: OutputDiff) => ({
      outcome: { result: { ...base, ...measured, verdict, message: noted(message), ...(diff && test.public ? { diff } : {}) }, fraction },
      measured: { verdict, ...measured, exitCode: run.exitCode, signal: run.signal, limitHit: run.limitHit, cpu: core },
      near: verdict !== 'SE' && nearTimeLimit(run, test.limits, ctx.timing.nearLimitPercent),
    });
    if (signal?.aborted) return done('SE', 0, 'grading was stopped');
    const classified = classifyRun(run, test.limits);
    note = classified.note;
    if (classified.verdict) {
      const stderr = test.public ? lastLines(run.stderr.toString('utf8')) : '';
      return done(classified.verdict, 0, stderr ? `${classified.message}\n${stderr}` : classified.message);
    }
    const actual = run.stdout.toString('utf8');
    if (test.compare.mode === 'checker') {
      if (!checker) return done('SE', 0, 'no checker was built');
      const d = await runChecker(checker, test, actual, sandbox, cache, signal);
      return done(d.verdict, d.fraction, d.message);
    }
    if (test.expectedStdout !== undefined) {
      const c = compareOutput(test.expectedStdout, actual, test.compare);
      if (!c.accepted) {
        return done('WA', 0, test.public ? `wrong answer: ${c.message}` : 'wrong answer', outputDiff(test.expectedStdout, actual, c.at));
      }
    }
    for (const expected of test.expectedFiles) {
      const content = await readBoxFile(box.dir, expected.path, test.limits.fileSizeKb * 1024);
      if (content === null) return done('WA', 0, `wrong answer: the program did not write ${expected.path}`);
      const c = compareOutput(expected.content, content.toString('utf8'), test.compare);
      if (!c.accepted) {
        return done(
          'WA',
          0,
          test.public ? `wrong answer in ${expected.path}: ${c.message}` : `wrong answer in ${expected.path}`,
          outputDiff(expected.content, content.toString('utf8'), c.at, expected.path),
        );
      }
    }
    return done('AC', 1, 'accepted');
  } finally {
    releaseCore();
    await box.dispose();
  }
}

async function runChecker(
  checker: BuiltProgram,
  test: SpecTestCase,
  actual: string,
  sandbox: Sandbox,
  cache: BuildCache,
  signal?: AbortSignal,
): Promise<{ verdict: Verdict; fraction: number; message: string }> {
  const box = await sandbox.openBox();
  try {
    await cache.copyInto(checker.dir, box.dir);
    await writeBoxFiles(box.dir, [
      [CHECKER_ARGS[0], test.stdin],
      [CHECKER_ARGS[1], actual],
      [CHECKER_ARGS[2], test.expectedStdout ?? ''],
    ]);
    const limits = { timeMs: 10000, wallMs: 20000, memoryKb: 512 * 1024, processes: 1 + checker.extraProcesses, outputKb: 64, fileSizeKb: 1024 };
    const run = await box.run({
      argv: [...checker.argv, ...CHECKER_ARGS],
      stdin: '',
      limits,
      addressSpaceLimit: checker.addressSpaceLimit,
      ...(signal ? { signal } : {}),
    });
    if (run.systemError) return { verdict: 'SE', fraction: 0, message: `checker: ${run.systemError}` };
    if (run.limitHit) return { verdict: 'SE', fraction: 0, message: `checker went over its ${run.limitHit} limit` };
    const d = checkerDecision(run.exitCode, run.signal, `${run.stderr.toString('utf8')}${run.stdout.toString('utf8')}`);
    return { ...d, message: test.public || d.verdict === 'SE' ? d.message : d.verdict === 'AC' ? 'accepted' : 'wrong answer' };
  } finally {
    await box.dispose();
  }
}

function lastLines(text: string, lines = 5, chars = 600): string {
  const t = text.trim().split('\n').slice(-lines).join('\n');
  return t.length > chars ? `…${t.slice(-chars)}` : t;
}
