// Grades one submission against a specification: select the sources, build
// once (cached), run every test in a fresh box, score groups. A sandbox
// failure anywhere marks the result `systemError`: the student is not charged
// and the job is retried.

import type { GradeResult, GradingSpec, TestCaseResult } from '@classpod/protocol';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { LANGUAGES } from '../languages/languages';
import { createSandbox, type SandboxOptions } from '../sandboxes/create-sandbox';
import type { Sandbox, SandboxName } from '../sandboxes/sandbox';
import { publicSpec } from '../spec/public-spec';
import { round, scoreGroup, testMaxScore } from '../verdicts/scoring';
import { writeBoxFiles } from './box-files';
import { BuildCache } from './build-cache';
import { buildProgram } from './build-program';
import { hashFiles, hashValue } from './hashes';
import { runCommand, runTest, type BuiltProgram } from './run-test';
import { selectSources } from './submission-files';

/** Options of a grading. */
export interface GradeOptions {
  /** A sandbox name (made and disposed for this grading) or a sandbox the caller owns. Default `none`. */
  sandbox?: SandboxName | Sandbox;
  sandboxOptions?: SandboxOptions;
  /** Grade only the public tests (what a student's side does). */
  publicOnly?: boolean;
  /** Stops the grading; the result then has systemError set. */
  signal?: AbortSignal;
  /** Build cache; default one in the system's temporary folder. */
  buildCache?: BuildCache;
  /** Called after each test, for progress. */
  onTest?: (result: TestCaseResult, done: number, total: number) => void;
}

let defaultCache: BuildCache | undefined;

/** Grade the submission in folder `submissionDir`. */
export async function gradeSubmission(spec: GradingSpec, submissionDir: string, options: GradeOptions = {}): Promise<GradeResult> {
  const graded = options.publicOnly ? publicSpec(spec) : spec;
  const owned = typeof options.sandbox === 'object' ? null : createSandbox(options.sandbox ?? 'none', options.sandboxOptions);
  const sandbox = owned ?? (options.sandbox as Sandbox);
  try {
    return await grade(graded, submissionDir, sandbox, options);
  } finally {
    await owned?.dispose();
  }
}

/** Grade a submission given as files (what a worker receives in a job). */
export async function gradeFiles(
  spec: GradingSpec,
  files: Iterable<[string, Uint8Array]>,
  options: GradeOptions = {},
): Promise<GradeResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'classpod-submission-'));
  try {
    await writeBoxFiles(dir, files);
    return await gradeSubmission(spec, dir, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function grade(spec: GradingSpec, submissionDir: string, sandbox: Sandbox, options: GradeOptions): Promise<GradeResult> {
  const cache = options.buildCache ?? (defaultCache ??= new BuildCache());
  const plugin = LANGUAGES[spec.language];
  const specHash = hashValue(spec);
  const selection = await selectSources(submissionDir, spec.sources);
  const sourceHash = selection.ok ? hashFiles(selection.files) : 'none';
  const total = spec.groups.reduce((n, g) => n + g.tests.length, 0);

  const build = selection.ok
    ? await buildProgram(
        {
          language: spec.language,
          sources: selection.files,
          extraFiles: spec.files,
          ...(spec.build ? { command: spec.build } : {}),
          mainClass: spec.mainClass ?? 'Main',
        },
        sandbox,
        cache,
        options.signal,
      ).catch((err: Error) => ({ status: 'SE' as const, output: `sandbox failed: ${err.message}`, cached: false }))
    : { status: 'CE' as const, output: selection.problem, cached: false };

  let checker: BuiltProgram | null = null;
  let checkerProblem = '';
  if (build.status === 'OK' && spec.checker) {
    const c = spec.checker;
    const built = await buildProgram(
      { language: c.language, sources: new Map([[c.source.path, Buffer.from(c.source.content)]]), extraFiles: [], mainClass: 'Main' },
      sandbox,
      cache,
      options.signal,
    ).catch((err: Error) => ({ status: 'SE' as const, output: `sandbox failed: ${err.message}`, cached: false }));
    if (built.status === 'OK') {
      const cp = LANGUAGES[c.language];
      checker = {
        dir: built.dir,
        argv: runCommand({ ...spec, language: c.language, sources: [c.source.path], run: undefined, mainClass: 'Main' }, 512),
        addressSpaceLimit: cp.addressSpaceLimit,
        extraProcesses: cp.extraProcesses,
      };
    } else checkerProblem = `the checker does not build: ${built.output}`;
  }

  const tests: TestCaseResult[] = [];
  const groups: GradeResult['groups'] = [];
  let done = 0;
  for (const group of spec.groups) {
    const results: TestCaseResult[] = [];
    const fractions: number[] = [];
    for (const [i, test] of group.tests.entries()) {
      let outcome;
      if (build.status !== 'OK' || checkerProblem || options.signal?.aborted) {
        const verdict = build.status === 'OK' ? 'SE' : build.status;
        const message =
          build.status === 'CE' ? 'compile error' : build.status === 'SE' ? `build failed in the sandbox: ${build.output}` : checkerProblem || 'grading was stopped';
        outcome = {
          result: { name: test.name, group: group.name, public: test.public, verdict, timeMs: 0, wallMs: 0, memoryKb: 0, score: 0, maxScore: testMaxScore(group, i), message },
          fraction: 0,
        } as const;
      } else {
        const program: BuiltProgram = {
          dir: build.dir,
          argv: runCommand(spec, Math.floor(test.limits.memoryKb / 1024)),
          addressSpaceLimit: plugin.addressSpaceLimit,
          extraProcesses: plugin.extraProcesses,
        };
        outcome = await runTest(test, group.name, program, checker, sandbox, cache, options.signal).catch((err: Error) => ({
          result: { name: test.name, group: group.name, public: test.public, verdict: 'SE' as const, timeMs: 0, wallMs: 0, memoryKb: 0, score: 0, maxScore: 0, message: `sandbox failed: ${err.message}` },
          fraction: 0,
        }));
      }
      results.push(outcome.result);
      fractions.push(outcome.fraction);
      done++;
      options.onTest?.(outcome.result, done, total);
    }
    const g = scoreGroup(group, results, fractions);
    groups.push({ name: group.name, ...g });
    tests.push(...results);
  }

  const systemError = build.status === 'SE' || tests.some((t) => t.verdict === 'SE');
  return {
    score: round(groups.reduce((n, g) => n + g.score, 0)),
    maxScore: round(groups.reduce((n, g) => n + g.maxScore, 0)),
    compile: { status: build.status, output: build.output, cached: build.cached },
    tests,
    groups,
    sandbox: sandbox.name,
    systemError,
    specHash,
    sourceHash,
  };
}
