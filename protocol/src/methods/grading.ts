// Grading: the resolved test specification a grader runs, the result it
// produces, and the lease protocol between a grading worker and the hub. The
// worker dials out, leases a job (which carries the full specification with
// hidden tests and the submission's files), heartbeats while it grades,
// reports the result, or hands the job back when it cannot finish it.

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';

/** Languages a specification may name. */
export const GradingLanguage = Type.Union(
  [Type.Literal('c'), Type.Literal('cpp'), Type.Literal('python'), Type.Literal('java'), Type.Literal('javascript')],
  { description: 'Language plugin: c (gcc), cpp (g++), python (python3), java (javac/java), javascript (node).' },
);
export type GradingLanguage = Static<typeof GradingLanguage>;

/** Resource limits of one run, all resolved to numbers. */
export const GradingLimits = Type.Object({
  /** CPU time limit (ms). */
  timeMs: Type.Integer({ minimum: 1 }),
  /** Wall-clock limit (ms). */
  wallMs: Type.Integer({ minimum: 1 }),
  /** Memory limit (KiB). */
  memoryKb: Type.Integer({ minimum: 1 }),
  /** Most processes and threads at once. */
  processes: Type.Integer({ minimum: 1 }),
  /** Most bytes of standard output and standard error together (KiB). */
  outputKb: Type.Integer({ minimum: 1 }),
  /** Largest file the program may write (KiB). */
  fileSizeKb: Type.Integer({ minimum: 1 }),
});
export type GradingLimits = Static<typeof GradingLimits>;

/** How a test's output is compared with the expected output. */
export const GradingCompare = Type.Object({
  /** exact | trailing-whitespace | tokens | float | checker */
  mode: Type.Union([
    Type.Literal('exact'),
    Type.Literal('trailing-whitespace'),
    Type.Literal('tokens'),
    Type.Literal('float'),
    Type.Literal('checker'),
  ]),
  /** float: largest absolute difference accepted. */
  absTolerance: Type.Optional(Type.Number({ minimum: 0 })),
  /** float: largest relative difference accepted. */
  relTolerance: Type.Optional(Type.Number({ minimum: 0 })),
  /** tokens: compare letters without regard to case. */
  ignoreCase: Type.Optional(Type.Boolean()),
});
export type GradingCompare = Static<typeof GradingCompare>;

/** A file given inline. */
export const GradingFile = Type.Object({
  /** Path relative to the box (forward slashes, no `..`). */
  path: Type.String({ minLength: 1, maxLength: 255 }),
  /** File content (UTF-8 text). */
  content: Type.String(),
});
export type GradingFile = Static<typeof GradingFile>;

/** One test case with its data inline. */
export const SpecTestCase = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  /** Whether students see this test and its data. */
  public: Type.Boolean(),
  stdin: Type.String(),
  args: Type.Array(Type.String()),
  /** Expected standard output; absent when only files are checked. */
  expectedStdout: Type.Optional(Type.String()),
  /** Files the program must leave in its working folder, with their expected content. */
  expectedFiles: Type.Array(GradingFile),
  /** Share of the group's points (relative to the other tests of the group). */
  weight: Type.Number({ minimum: 0 }),
  limits: GradingLimits,
  compare: GradingCompare,
});
export type SpecTestCase = Static<typeof SpecTestCase>;

/** A group of tests scored together. */
export const SpecGroup = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  /** sum: points in proportion to weights of passed tests; all-or-nothing: points only if every test passes. */
  scoring: Type.Union([Type.Literal('sum'), Type.Literal('all-or-nothing')]),
  /** Points the group is worth. */
  points: Type.Number({ minimum: 0 }),
  tests: Type.Array(SpecTestCase),
});
export type SpecGroup = Static<typeof SpecGroup>;

/** A resolved test specification: everything inline, ready to run anywhere. */
export const GradingSpec = Type.Object({
  version: Type.Literal(1),
  /** Assignment slug, for messages. */
  assignment: Type.Optional(Type.String({ maxLength: 100 })),
  language: GradingLanguage,
  /** Submission files (or `*` patterns) that make up the program. */
  sources: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 1 }),
  /** Files the grader adds to every box (data, headers), inline. */
  files: Type.Array(GradingFile),
  /** Build command replacing the language's, as an argument vector; `[]` means no build step. */
  build: Type.Optional(Type.Array(Type.String())),
  /** Run command replacing the language's. */
  run: Type.Optional(Type.Array(Type.String())),
  /** Java: class with `main`. */
  mainClass: Type.Optional(Type.String({ maxLength: 200 })),
  /** Custom checker (testlib exit codes) used by tests whose comparison mode is `checker`. */
  checker: Type.Optional(Type.Object({ language: GradingLanguage, source: GradingFile })),
  groups: Type.Array(SpecGroup),
  /** In a public specification: how many hidden tests and points were removed. */
  hidden: Type.Optional(Type.Object({ tests: Type.Integer({ minimum: 0 }), points: Type.Number({ minimum: 0 }) })),
});
export type GradingSpec = Static<typeof GradingSpec>;

/**
 * Verdicts of a test (CE and SE also describe a whole submission). These codes
 * travel unchanged from the grader to every view; words for them are made
 * only where a person reads them.
 */
export const Verdict = Type.Union(
  [
    Type.Literal('AC', { description: 'accepted' }),
    Type.Literal('WA', { description: 'wrong answer' }),
    Type.Literal('TLE', { description: 'CPU time limit exceeded' }),
    Type.Literal('WLE', { description: 'wall-clock limit exceeded (waiting or sleeping too long)' }),
    Type.Literal('MLE', { description: 'memory limit exceeded' }),
    Type.Literal('RE', { description: 'runtime error (non-zero exit or a signal)' }),
    Type.Literal('OLE', { description: 'output or file size limit exceeded' }),
    Type.Literal('CE', { description: 'the submission does not build' }),
    Type.Literal('SE', { description: 'system error: the grader failed, not the program' }),
  ],
  { description: 'AC, WA, TLE, WLE, MLE, RE, OLE, CE or SE.' },
);
export type Verdict = Static<typeof Verdict>;

/** Every verdict code, accepted first. */
export const VERDICTS: readonly Verdict[] = ['AC', 'WA', 'TLE', 'WLE', 'MLE', 'RE', 'OLE', 'CE', 'SE'];

/** A few lines of one output around its first difference. */
export const DiffExcerpt = Type.Object({
  /** Line number (1-based) of the first line shown. */
  fromLine: Type.Integer({ minimum: 1 }),
  /** The lines, without line ends; a long line is cut and ends with `…`. */
  lines: Type.Array(Type.String()),
  /** Whether the output goes on after the last line shown. */
  more: Type.Boolean(),
});
export type DiffExcerpt = Static<typeof DiffExcerpt>;

/**
 * Where a public test's output first differs from the expected output, as
 * data: the position in the program's output and an excerpt of both outputs
 * around it. Hidden tests never carry one.
 */
export const OutputDiff = Type.Object({
  /** The expected file that differs; absent for standard output. */
  file: Type.Optional(Type.String({ maxLength: 255 })),
  /** First line (1-based) of the program's output that is wrong; one past its last line when output is missing. */
  line: Type.Integer({ minimum: 1 }),
  /** First wrong column (1-based, in characters) of that line. */
  column: Type.Integer({ minimum: 1 }),
  expected: DiffExcerpt,
  actual: DiffExcerpt,
});
export type OutputDiff = Static<typeof OutputDiff>;

/** The outcome of one test. */
export const TestCaseResult = Type.Object({
  name: Type.String(),
  group: Type.String(),
  public: Type.Boolean(),
  verdict: Verdict,
  /** CPU time used (ms). */
  timeMs: Type.Number(),
  /** Wall-clock time (ms). */
  wallMs: Type.Number(),
  /** Peak memory (KiB); 0 when the sandbox cannot measure it. */
  memoryKb: Type.Number(),
  /** Points earned. */
  score: Type.Number(),
  /** Points this test can earn. */
  maxScore: Type.Number(),
  /** Why, in a sentence (exit code, signal, checker message); never the difference itself. */
  message: Type.String(),
  /** Public tests only: where the output differs, with excerpts. */
  diff: Type.Optional(OutputDiff),
});
export type TestCaseResult = Static<typeof TestCaseResult>;

// ---- Provenance: what produced a grade --------------------------------------
// Kept apart from the per-test result above, so either can change on its own.
// A worker states who it is once per connection (`grading/register`); every
// grade it reports carries a provenance record: enough to rerun the grade and
// to explain why a rerun differs.

/** A language's toolchain as the grader found it. */
export const ToolchainIdentity = Type.Object({
  language: GradingLanguage,
  /** First line of the compiler's or runtime's own version output, e.g. `gcc (Debian 12.2.0-14) 12.2.0`; empty when missing. */
  version: Type.String({ maxLength: 500 }),
  /** `sha256:…` over the whole version output and the contents of the programs the language runs (compiler, runtime). */
  hash: Type.String({ maxLength: 100 }),
  /** False when the toolchain is not installed where the sandbox looks for it. */
  available: Type.Boolean(),
});
export type ToolchainIdentity = Static<typeof ToolchainIdentity>;

/** The sandbox a grader runs submissions in. */
export const SandboxIdentity = Type.Object({
  /** isolate, local or none (`none` is not a sandbox). */
  name: Type.String({ maxLength: 32 }),
  /** First line of the sandbox program's own version output (`isolate --version`, `bwrap --version`); for `none`, the Node version. */
  version: Type.String({ maxLength: 500 }),
  /** `sha256:…` over the version output and the sandbox program's contents: two programs with one name differ here. */
  hash: Type.String({ maxLength: 100 }),
  /** Whether runs are limited by control groups (memory, CPU time, processes). */
  cgroups: Type.Boolean(),
  /** False for `none`: submissions run with the grader's own rights. */
  isolating: Type.Boolean(),
  /** Whether each test run is pinned to one CPU core. */
  pinsCores: Type.Boolean(),
});
export type SandboxIdentity = Static<typeof SandboxIdentity>;

/** The machine a grader runs on. */
export const HostIdentity = Type.Object({
  /** Kernel release and build (`uname -r -v`). */
  kernel: Type.String({ maxLength: 300 }),
  /** `linux-x64`, `darwin-arm64`, … */
  platform: Type.String({ maxLength: 64 }),
  /** CPU model name. */
  cpu: Type.String({ maxLength: 200 }),
  /** Cores this grader may use. */
  cores: Type.Integer({ minimum: 0 }),
});
export type HostIdentity = Static<typeof HostIdentity>;

/** Who a grading worker is: sent once per connection in `grading/register`. */
export const WorkerIdentity = Type.Object({
  /** The worker's stable name, for the hub's records. */
  workerId: Type.String({ minLength: 1, maxLength: 128 }),
  /** Version of the grader package. */
  graderVersion: Type.String({ maxLength: 64 }),
  sandbox: SandboxIdentity,
  host: HostIdentity,
  /** Every language's toolchain; jobs are leased only for languages whose toolchain is available. */
  toolchains: Type.Array(ToolchainIdentity, { maxItems: 32 }),
});
export type WorkerIdentity = Static<typeof WorkerIdentity>;

/** One run of a test as the sandbox measured it. */
export const RunMeasurement = Type.Object({
  /** The verdict this run alone would get. */
  verdict: Verdict,
  timeMs: Type.Number(),
  wallMs: Type.Number(),
  memoryKb: Type.Number(),
  exitCode: Type.Union([Type.Integer(), Type.Null()]),
  signal: Type.Union([Type.String({ maxLength: 32 }), Type.Null()]),
  /** The limit the sandbox enforced by ending the run (cpu, wall, memory, output). */
  limitHit: Type.Union([Type.String({ maxLength: 16 }), Type.Null()]),
  /** The core the run was pinned to; null when not pinned. */
  cpu: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
});
export type RunMeasurement = Static<typeof RunMeasurement>;

/** Limits and every run of one test. */
export const TestRunRecord = Type.Object({
  name: Type.String(),
  group: Type.String(),
  /** The limits the sandbox enforced (the spec's, with the runtime's extra threads). */
  limits: GradingLimits,
  /** Every run, in order. A run whose time lay near its limit is repeated. */
  runs: Type.Array(RunMeasurement),
  /** Index in `runs` of the run that decided the verdict (the median by CPU time); absent when nothing ran. */
  decidingRun: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type TestRunRecord = Static<typeof TestRunRecord>;

/** What produced a grade: enough to rerun it from its record and to explain a difference. */
export const GradeProvenance = Type.Object({
  recordVersion: Type.Literal(1),
  /** When the grader finished (its own clock, ISO 8601). */
  gradedAt: Type.String({ maxLength: 40 }),
  workerId: Type.String({ maxLength: 128 }),
  graderVersion: Type.String({ maxLength: 64 }),
  /** The hub's snapshot of the submission (the sha256 of its manifest); absent for a folder graded locally. */
  snapshotHash: Type.Optional(Type.String({ maxLength: 100 })),
  /** `sha256:…` over the toolchains below. */
  toolchainHash: Type.String({ maxLength: 100 }),
  /** The toolchains used: the submission's language, and the checker's. */
  toolchains: Type.Array(ToolchainIdentity, { maxItems: 8 }),
  sandbox: SandboxIdentity,
  host: HostIdentity,
  /** The build cache key the program was built (or found) under. */
  buildKey: Type.String({ maxLength: 100 }),
  /** Time-fair verdicts: a run within `nearLimitPercent` of a time limit is repeated up to `maxRuns` times; the median decides. */
  timing: Type.Object({ nearLimitPercent: Type.Number({ minimum: 0 }), maxRuns: Type.Integer({ minimum: 1 }) }),
  tests: Type.Array(TestRunRecord),
});
export type GradeProvenance = Static<typeof GradeProvenance>;

/** The outcome of grading one submission. */
export const GradeResult = Type.Object({
  score: Type.Number(),
  maxScore: Type.Number(),
  compile: Type.Object({
    /** OK, CE (the submission does not build) or SE (the sandbox failed). */
    status: Type.Union([Type.Literal('OK'), Type.Literal('CE'), Type.Literal('SE')]),
    /** Compiler output, truncated. */
    output: Type.String(),
    /** Whether an earlier build of the same sources was reused. */
    cached: Type.Boolean(),
  }),
  tests: Type.Array(TestCaseResult),
  groups: Type.Array(Type.Object({ name: Type.String(), score: Type.Number(), maxScore: Type.Number() })),
  /** Sandbox that ran it: isolate, local or none (`none` is not a sandbox). */
  sandbox: Type.String(),
  /** True when some part failed for reasons not the student's: the job must be retried. */
  systemError: Type.Boolean(),
  /** Hash of the specification graded against, so the score can be reproduced. */
  specHash: Type.String(),
  /** Hash of the submitted sources. */
  sourceHash: Type.String(),
  /** What produced this grade; present on every grade a grader produces. */
  provenance: Type.Optional(GradeProvenance),
});
export type GradeResult = Static<typeof GradeResult>;

/** A submission file in a job (base64, so binary files survive). */
export const JobFile = Type.Object({
  path: Type.String({ minLength: 1, maxLength: 255 }),
  contentBase64: Type.String(),
});
export type JobFile = Static<typeof JobFile>;

/** A leased grading job. */
export const GradingJob = Type.Object({
  jobId: Type.String({ minLength: 1, maxLength: 128 }),
  /** Names this lease; every later message about the job carries it. */
  leaseId: Type.String({ minLength: 1, maxLength: 128 }),
  submissionId: Type.String({ maxLength: 128 }),
  /** The submission's snapshot (the sha256 of its manifest, as the hub names it), recorded in the grade's provenance. */
  snapshotHash: Type.Optional(Type.String({ maxLength: 100 })),
  /** The full specification, hidden tests included. */
  spec: GradingSpec,
  files: Type.Array(JobFile, { maxItems: 10000 }),
  /** The lease ends this long after the last heartbeat (ms). */
  leaseMs: Type.Integer({ minimum: 1 }),
  /** How often the worker heartbeats (ms). */
  heartbeatMs: Type.Integer({ minimum: 1 }),
});
export type GradingJob = Static<typeof GradingJob>;

/** Which sandboxes' grades count as official, and who set that. */
export const GradingPolicy = Type.Object({
  /** Sandboxes whose grades are official, e.g. `["isolate"]`. */
  officialSandboxes: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 8 }),
  /** deployment: the hub's configuration. */
  source: Type.Union([Type.Literal('deployment'), Type.Literal('course')]),
});
export type GradingPolicy = Static<typeof GradingPolicy>;

/**
 * `grading/register`: a worker says who it is, once per connection, before it
 * leases. A worker whose sandbox the policy does not name is refused with
 * Forbidden (the error's data holds the policy): it gets no jobs, and nothing
 * it sends is recorded.
 */
export namespace RegisterWorkerRequest {
  export const method = 'grading/register';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "Register a worker's identity (sandbox, toolchains, host); refused with Forbidden when the grading policy does not name its sandbox.",
    params: WorkerIdentity,
    result: Type.Object({ policy: GradingPolicy }),
  });
}

/** `grading/lease`: a worker asks for a job; the hub may wait up to `waitMs` before answering `job: null`. */
export namespace LeaseJobRequest {
  export const method = 'grading/lease';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Lease the next grading job; answers null when none arrived within waitMs.',
    params: Type.Object({
      /** Worker's stable name, for the hub's records. */
      workerId: Type.String({ minLength: 1, maxLength: 128 }),
      /** The worker's sandbox (isolate, local, none). */
      sandbox: Type.String({ maxLength: 32 }),
      /** Languages the worker has toolchains for. */
      languages: Type.Array(GradingLanguage),
      /** Longest the hub may hold the request (ms). */
      waitMs: Type.Integer({ minimum: 0, maximum: 60000 }),
    }),
    result: Type.Object({ job: Type.Union([GradingJob, Type.Null()]) }),
  });
}

/** `grading/heartbeat`: keeps a lease alive; fails with NotFound or Conflict when the lease is lost. */
export namespace HeartbeatRequest {
  export const method = 'grading/heartbeat';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Keep a lease alive and report progress; a lost lease answers NotFound or Conflict.',
    params: Type.Object({
      jobId: Type.String({ maxLength: 128 }),
      leaseId: Type.String({ maxLength: 128 }),
      testsDone: Type.Integer({ minimum: 0 }),
      testsTotal: Type.Integer({ minimum: 0 }),
    }),
    result: Type.Object({ leaseMs: Type.Integer({ minimum: 1 }) }),
  });
}

/** `grading/report`: the job's result; `systemError` results are retried by the hub, never charged. */
export namespace ReportResultRequest {
  export const method = 'grading/report';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Report a graded job. A result with systemError is retried by the hub.',
    params: Type.Object({
      jobId: Type.String({ maxLength: 128 }),
      leaseId: Type.String({ maxLength: 128 }),
      /** graded: record the score; system-error: the sandbox failed, lease the job again. */
      outcome: Type.Union([Type.Literal('graded'), Type.Literal('system-error')]),
      result: GradeResult,
    }),
    result: Type.Object({ accepted: Type.Boolean() }),
  });
}

/** `grading/handBack`: the worker gives a job up unfinished (shutting down); the hub leases it again. */
export namespace HandBackJobRequest {
  export const method = 'grading/handBack';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Give a leased job back unfinished so another worker can take it.',
    params: Type.Object({
      jobId: Type.String({ maxLength: 128 }),
      leaseId: Type.String({ maxLength: 128 }),
      reason: Type.String({ maxLength: 500 }),
    }),
    result: Type.Object({}),
  });
}

/**
 * A grade record as a file (`classpod-grade --record`, `classpod-hub record
 * export`): the result with its provenance, the specification graded against
 * and the submission's files, so `classpod-grade --rerun FILE` can grade it
 * again and say whether it matches.
 */
export const GradeRecordFile = Type.Object({
  format: Type.Literal('classpod-grade-record'),
  version: Type.Literal(1),
  /** The hub's submission and record, when exported from a hub. */
  submissionId: Type.Optional(Type.String({ maxLength: 128 })),
  recordId: Type.Optional(Type.String({ maxLength: 128 })),
  /** Whether the hub recorded this grade as official. */
  official: Type.Optional(Type.Boolean()),
  result: GradeResult,
  spec: GradingSpec,
  files: Type.Array(JobFile, { maxItems: 10000 }),
});
export type GradeRecordFile = Static<typeof GradeRecordFile>;
