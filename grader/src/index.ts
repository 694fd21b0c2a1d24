// @classpod/grader: test specifications, sandboxes, verdicts, the grading
// engine and the grading worker. What the agent, the hub and the VS Code
// extension use is exported here; the `none` path needs no native module.

export type {
  GradeResult,
  GradingSpec,
  GradingLanguage,
  GradingLimits,
  GradingCompare,
  SpecGroup,
  SpecTestCase,
  TestCaseResult,
  Verdict,
  GradingJob,
  GradeProvenance,
  GradeRecordFile,
  SandboxIdentity,
  ToolchainIdentity,
  WorkerIdentity,
} from '@classpod/protocol';
export { loadSpec, parseSpec } from './spec/load-spec';
export { publicSpec } from './spec/public-spec';
export { SpecError, type SpecErrorLocation } from './spec/spec-error';
export { SpecFile, specJsonSchema } from './spec/spec-schema';
export { DEFAULT_LIMITS, BUILD_LIMITS } from './spec/limits';
export { LANGUAGES, expandCommand, type LanguagePlugin } from './languages/languages';
export { compareOutput, numbersClose, type CompareOutcome } from './compare/compare-output';
export { firstDifference, outputDiff, outputLines, type DiffPosition } from './compare/output-diff';
export { checkerDecision } from './compare/testlib-checker';
export type { Sandbox, SandboxName, Box, RunRequest, RunOutcome, LimitHit } from './sandboxes/sandbox';
export { createSandbox, isSandboxName, type SandboxOptions } from './sandboxes/create-sandbox';
export { NoneSandbox } from './sandboxes/none-sandbox';
export { parseIsolateMeta, isolateOutcome, type IsolateMeta } from './sandboxes/isolate-meta';
export { classifyRun } from './verdicts/classify-run';
export { gradeSubmission, gradeFiles, type GradeOptions } from './engine/grade-submission';
export { BuildCache } from './engine/build-cache';
export { canonicalJson, hashValue } from './engine/hashes';
export { DEFAULT_TIMING, type TimingPolicy } from './engine/run-test';
export { workerIdentity, sandboxIdentity, sandboxToolchain, hostIdentity, GRADER_VERSION } from './engine/grading-identity';
export { probeToolchain, toolchainsHash } from './languages/toolchain-probe';
export { gradeRecordFile, parseGradeRecordFile, readGradeRecordFile, recordFiles, GradeRecordError } from './engine/grade-record-file';
export { compareGrades, rerunGradeRecord, formatRerunReport, type RerunReport, type RerunTest } from './engine/rerun-record';
export { formatResultTable } from './cli/format-table';
export { GradingWorker, WorkerRefusedError, type GradingWorkerOptions, type WorkerCounters } from './worker/grading-worker';
