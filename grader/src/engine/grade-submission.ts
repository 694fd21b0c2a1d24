// Grades one submission against a specification: select the sources, build
// once (cached), run every test in a fresh box, score groups. A sandbox
// failure anywhere marks the result `systemError`: the student is not charged
// and the job is retried. Every result carries its provenance: the sandbox and
// toolchains that produced it, the build key, the limits and every run.

import type { GradeProvenance, GradeResult, GradingSpec, TestCaseResult, TestRunRecord, ToolchainIdentity } from '@classpod/protocol';
import { hostname } from 'node:os';
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
import { CorePool, corePinningAvailable } from './core-pinning';
import { GRADER_VERSION, hostIdentity, sandboxIdentity, sandboxToolchain } from './grading-identity';
import { hashFiles, hashValue } from './hashes';
import { DEFAULT_TIMING, runCommand, runTest, type BuiltProgram, type RecordedTestOutcome, type RunContext, type TimingPolicy } from './run-test';
import { toolchainsHash } from '../languages/toolchain-probe';
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
  /** Time-fair verdicts: when a run is repeated (default within 10 % of a limit, up to 3 runs). */
  timing?: Partial<TimingPolicy>;
  /** Pin each run to one core where the sandbox can (default true). */
  pinCores?: boolean;
  /** Cores runs are pinned to; default one pool per process. */
  cores?: CorePool;
  /** Recorded in the provenance (default `classpod-grade@<host name>`). */
  workerId?: string;
  /** The hub's snapshot of the submission, recorded in the provenance. */
  snapshotHash?: string;
}

let defaultCache: BuildCache | undefined;
let defaultCores: CorePool | undefined;

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
  const timing: TimingPolicy = { ...DEFAULT_TIMING, ...options.timing };
  const pin = (options.pinCores ?? true) && corePinningAvailable(sandbox);
  const ctx: RunContext = {
    sandbox,
    cache,
    timing,
    cores: pin ? (options.cores ?? (defaultCores ??= new CorePool())) : null,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const plugin = LANGUAGES[spec.language];
  const specHash = hashValue(spec);
  const identity = await sandboxIdentity(sandbox);
  const toolchains = new Map<string, ToolchainIdentity>();
  for (const language of new Set([spec.language, ...(spec.checker ? [spec.checker.language] : [])])) {
    toolchains.set(language, await sandboxToolchain(sandbox, language));
  }
  const selection = await selectSources(submissionDir, spec.sources);
  const sourceHash = selection.ok ? hashFiles(selection.files) : 'none';
  const total = spec.groups.reduce((n, g) => n + g.tests.length, 0);
  const tools = { sandbox, sandboxIdentity: identity, cache, ...(options.signal ? { signal: options.signal } : {}) };
  const sandboxFailed = (err: Error) => ({ status: 'SE' as const, output: `sandbox failed: ${err.message}`, cached: false, key: '' });

  const build = selection.ok
    ? await buildProgram(
        {
          language: spec.language,
          sources: selection.files,
          extraFiles: spec.files,
          ...(spec.build ? { command: spec.build } : {}),
          mainClass: spec.mainClass ?? 'Main',
        },
        { ...tools, toolchain: toolchains.get(spec.language)! },
      ).catch(sandboxFailed)
    : { status: 'CE' as const, output: selection.problem, cached: false, key: '' };

  let checker: BuiltProgram | null = null;
  let checkerProblem = '';
  if (build.status === 'OK' && spec.checker) {
    const c = spec.checker;
    const built = await buildProgram(
      { language: c.language, sources: new Map([[c.source.path, Buffer.from(c.source.content)]]), extraFiles: [], mainClass: 'Main' },
      { ...tools, toolchain: toolchains.get(c.language)! },
    ).catch(sandboxFailed);
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
  const records: TestRunRecord[] = [];
  const groups: GradeResult['groups'] = [];
  let done = 0;
  for (const group of spec.groups) {
    const results: TestCaseResult[] = [];
    const fractions: number[] = [];
    for (const [i, test] of group.tests.entries()) {
      let outcome: RecordedTestOutcome;
      if (build.status !== 'OK' || checkerProblem || options.signal?.aborted) {
        const verdict = build.status === 'OK' ? 'SE' : build.status;
        const message =
          build.status === 'CE' ? 'compile error' : build.status === 'SE' ? `build failed in the sandbox: ${build.output}` : checkerProblem || 'grading was stopped';
        outcome = {
          result: { name: test.name, group: group.name, public: test.public, verdict, timeMs: 0, wallMs: 0, memoryKb: 0, score: 0, maxScore: testMaxScore(group, i), message },
          fraction: 0,
          record: { name: test.name, group: group.name, limits: test.limits, runs: [] },
        };
      } else {
        const program: BuiltProgram = {
          dir: build.dir,
          argv: runCommand(spec, Math.floor(test.limits.memoryKb / 1024)),
          addressSpaceLimit: plugin.addressSpaceLimit,
          extraProcesses: plugin.extraProcesses,
        };
        outcome = await runTest(test, group.name, program, checker, ctx).catch((err: Error) => ({
          result: { name: test.name, group: group.name, public: test.public, verdict: 'SE' as const, timeMs: 0, wallMs: 0, memoryKb: 0, score: 0, maxScore: 0, message: `sandbox failed: ${err.message}` },
          fraction: 0,
          record: { name: test.name, group: group.name, limits: test.limits, runs: [] },
        }));
      }
      results.push(outcome.result);
      fractions.push(outcome.fraction);
      records.push(outcome.record);
      done++;
      options.onTest?.(outcome.result, done, total);
    }
    const g = scoreGroup(group, results, fractions);
    groups.push({ name: group.name, ...g });
    tests.push(...results);
  }

  const used = [...toolchains.values()];
  const provenance: GradeProvenance = {
    recordVersion: 1,
    gradedAt: new Date().toISOString(),
    workerId: options.workerId ?? `classpod-grade@${hostname()}`,
    graderVersion: GRADER_VERSION,
    ...(options.snapshotHash ? { snapshotHash: options.snapshotHash } : {}),
    toolchainHash: toolchainsHash(used),
    toolchains: used,
    sandbox: { ...identity, pinsCores: ctx.cores !== null },
    host: hostIdentity(),
    buildKey: build.key,
    timing,
    tests: records,
  };
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
    provenance,
  };
}
