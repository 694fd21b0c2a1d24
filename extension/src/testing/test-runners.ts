// The three places a student's public tests run: on this machine (the grader
// engine with the `none` sandbox: limits and timeouts only), in the workspace
// (the agent runs the same engine), and on the course server's grader.

import { randomUUID } from 'node:crypto';
import {
  RunPublicTestsRequest,
  TestProgressNotification,
  type GradeResult,
  type GradingResult,
  type GradingSpec,
  type RpcEndpoint,
  type TestCaseResult,
  type Verdict,
} from '@classpod/protocol';
import { gradeSubmission } from '@classpod/grader';
import type { Receipt, Submissions } from '../submissions/submission-client';

export type RunnerKind = 'local' | 'workspace' | 'server';

export interface RunRequest {
  /** The local assignment folder. */
  folder: string;
  courseId: string;
  assignmentId: string;
  spec: GradingSpec;
  /** Called as each test finishes, when the runner can tell. */
  onTest?: (result: TestCaseResult) => void;
  signal?: AbortSignal;
}

/** Runs the public tests somewhere and returns the grader's result. */
export interface TestRunner {
  readonly kind: RunnerKind;
  readonly label: string;
  run(request: RunRequest): Promise<GradeResult>;
}

/** On this machine, with the grader engine and the `none` sandbox. */
export class LocalTestRunner implements TestRunner {
  readonly kind = 'local' as const;
  readonly label = 'This machine';

  async run(request: RunRequest): Promise<GradeResult> {
    return gradeSubmission(request.spec, request.folder, {
      sandbox: 'none',
      publicOnly: true,
      ...(request.signal ? { signal: request.signal } : {}),
      onTest: (r) => request.onTest?.(r),
    });
  }
}

/** In the workspace: the agent runs the same engine over the workspace's copy of the folder. */
export class WorkspaceTestRunner implements TestRunner {
  readonly kind = 'workspace' as const;
  readonly label = 'In the workspace';

  constructor(
    /** The workspace connection of a course. */
    private readonly connection: (courseId: string) => { ready(): Promise<RpcEndpoint> },
    /** Folder of the assignment in the workspace, relative to its root. */
    private readonly remotePath: (request: RunRequest) => string,
    /** Runs first: brings the latest local edits to the workspace. */
    private readonly beforeRun: (request: RunRequest) => Promise<void>,
  ) {}

  async run(request: RunRequest): Promise<GradeResult> {
    await this.beforeRun(request);
    const endpoint = await this.connection(request.courseId).ready();
    const runId = randomUUID();
    const off = endpoint.onNotification(TestProgressNotification.type, (p) => {
      if (p.runId === runId) request.onTest?.(p.result);
    });
    try {
      const { result } = await endpoint.request(
        RunPublicTestsRequest.type,
        { path: this.remotePath(request), runId },
        { timeoutMs: 15 * 60_000, ...(request.signal ? { signal: request.signal } : {}) },
      );
      return result;
    } finally {
      off();
    }
  }
}

const verdictCodes: Record<string, Verdict> = {
  accepted: 'AC',
  'wrong answer': 'WA',
  'time limit': 'TLE',
  'time limit exceeded': 'TLE',
  'wall-clock limit': 'WLE',
  'memory limit': 'MLE',
  'memory limit exceeded': 'MLE',
  'runtime error': 'RE',
  'output limit': 'OLE',
  'compile error': 'CE',
  'compilation error': 'CE',
  'system error': 'SE',
};

/** The verdict code of a verdict the hub wrote as a code or in words. */
export function verdictCode(verdict: string): Verdict {
  const upper = verdict.toUpperCase();
  if (['AC', 'WA', 'TLE', 'WLE', 'MLE', 'RE', 'OLE', 'CE', 'SE'].includes(upper)) return upper as Verdict;
  return verdictCodes[verdict.toLowerCase()] ?? 'SE';
}

/** A course server grading result in the shape of the engine's result, hidden tests included. */
export function gradeResultOf(result: GradingResult): GradeResult {
  const tests: TestCaseResult[] = result.tests.map((t) => ({
    name: t.name,
    group: t.group ?? '',
    public: !t.hidden,
    verdict: verdictCode(t.verdict),
    timeMs: t.timeMs ?? 0,
    wallMs: t.timeMs ?? 0,
    memoryKb: t.memoryBytes !== undefined ? Math.round(t.memoryBytes / 1024) : 0,
    score: t.score,
    maxScore: t.maxScore,
    message: t.message ?? '',
  }));
  const buildFailed = result.buildOutput !== undefined && tests.length > 0 && tests.every((t) => t.verdict === 'CE');
  return {
    score: result.score ?? 0,
    maxScore: result.maxScore ?? 0,
    compile: { status: result.status === 'failed' ? 'SE' : buildFailed ? 'CE' : 'OK', output: result.buildOutput ?? result.error ?? '', cached: false },
    tests,
    groups: [],
    sandbox: result.provenance?.sandbox ?? 'course server',
    systemError: result.status === 'failed',
    specHash: result.provenance?.specHash ?? '',
    sourceHash: result.provenance?.sourceHash ?? '',
  };
}

/** On the course server: a real submission, graded by the official grader (hidden tests too). */
export class ServerTestRunner implements TestRunner {
  readonly kind = 'server' as const;
  readonly label = 'Graded by the course server';

  constructor(
    private readonly submissions: Submissions,
    /** Runs first: syncs, asks the student to confirm; resolves false to cancel. */
    private readonly beforeRun: (request: RunRequest) => Promise<boolean>,
    /** Told about the submission as soon as it exists. */
    private readonly onReceipt: (request: RunRequest, receipt: Receipt) => void = () => undefined,
  ) {}

  async run(request: RunRequest): Promise<GradeResult> {
    if (!(await this.beforeRun(request))) throw new RunCancelled();
    const receipt = await this.submissions.submit(request.courseId, request.assignmentId);
    this.onReceipt(request, receipt);
    const result = await this.submissions.waitForResult(receipt.submission.id, request.signal);
    return gradeResultOf(result);
  }
}

/** The student cancelled the run. */
export class RunCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'RunCancelled';
  }
}
