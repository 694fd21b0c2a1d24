// "Rerun like the grader": take one graded public test of a submission, run
// it again in a workspace through the agent's tests service (the same engine
// under the same limits, the workspace's sandbox and toolchain), and compare
// the two verdicts. The same for a student (their own workspace) and for
// staff (the student's workspace). Hidden tests run only on the grader.

import {
  RunPublicTestsRequest,
  type GradingLimits,
  type GradingResult,
  type GradingSpec,
  type RpcEndpoint,
  type TestCaseResult,
  type TestResultView,
} from '@classpod/protocol';
import { compareRerun, provenanceOfRun, type RerunComparison } from '../results/rerun-comparison';

/** Which graded test to rerun. */
export interface RerunTarget {
  submissionId: string;
  group: string;
  name: string;
}

/** Where and how to rerun it. */
export interface RerunPlace {
  /** The submission's grading result, as the hub shows it to this person (results/get). */
  gradingResult: (submissionId: string) => Promise<GradingResult>;
  /** The agent of the workspace that runs it; `release` is called when done. */
  workspace: () => Promise<{ endpoint: RpcEndpoint; release?: () => void }>;
  /** The assignment's folder in that workspace, relative to its root. */
  path: string;
  /** "your workspace", "Ada Lovelace's workspace". */
  where: string;
  /** The public specification, for the test's limits (optional). */
  spec?: () => Promise<GradingSpec | undefined>;
  /** Runs first (the student's side syncs the folder). */
  beforeRun?: () => Promise<void>;
}

export interface RerunOutcome {
  result: GradingResult;
  graded: TestResultView;
  rerun: TestCaseResult;
  /** What the workspace run reports it was computed from (sandbox, hashes, toolchain). */
  rerunProvenance: Record<string, string>;
  comparison: RerunComparison;
}

/** The graded test `target` names, or an error saying why it cannot be rerun. */
export function gradedTest(result: GradingResult, target: RerunTarget): TestResultView {
  if (result.status !== 'graded') throw new Error(`Submission ${result.submissionId} is ${result.status === 'failed' ? 'not graded: grading failed' : `not graded yet (${result.status})`}.`);
  const t = result.tests.find((x) => x.group === target.group && x.name === target.name);
  if (!t) throw new Error(`Submission ${result.submissionId} has no graded test ${target.group}/${target.name}.`);
  if (!t.public) throw new Error('A hidden test runs only on the grader: its data never enters a workspace.');
  return t;
}

function limitsOf(spec: GradingSpec | undefined, target: RerunTarget): GradingLimits | undefined {
  return spec?.groups.find((g) => g.name === target.group)?.tests.find((t) => t.name === target.name)?.limits;
}

/** Rerun one graded test in a workspace and compare it with the grader's verdict. */
export async function rerunLikeGrader(target: RerunTarget, place: RerunPlace, signal?: AbortSignal): Promise<RerunOutcome> {
  const result = await place.gradingResult(target.submissionId);
  const graded = gradedTest(result, target);
  const limits = limitsOf(await place.spec?.().catch(() => undefined), target);
  await place.beforeRun?.();
  const agent = await place.workspace();
  try {
    const { result: run } = await agent.endpoint.request(
      RunPublicTestsRequest.type,
      { path: place.path, test: { group: target.group, name: target.name } },
      { timeoutMs: 10 * 60_000, ...(signal ? { signal } : {}) },
    );
    const rerun = run.tests[0];
    if (!rerun) {
      throw new Error(run.compile.status === 'OK' ? 'The workspace ran no test.' : `The program does not build in ${place.where}: ${run.compile.output.trim().split('\n')[0] ?? ''}`);
    }
    const rerunProvenance = provenanceOfRun(run);
    const comparison = compareRerun({
      graded,
      hiddenTests: result.hiddenTests,
      gradedProvenance: result.provenance ?? {},
      rerun,
      rerunProvenance,
      ...(limits ? { limits } : {}),
      where: place.where,
    });
    return { result, graded, rerun, rerunProvenance, comparison };
  } finally {
    agent.release?.();
  }
}
