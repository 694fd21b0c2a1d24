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
  type TestResultView,
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
  run(request: RunRequest): Promise<RunResult>;
}

/** On this machine, with the grader engine and the `none` sandbox. */
export class LocalTestRunner implements TestRunner {
  readonly kind = 'local' as const;
  readonly label = 'This machine';

  async run(request: RunRequest): Promise<RunResult> {
    const result = await gradeSubmission(request.spec, request.folder, {
      sandbox: 'none',
      publicOnly: true,
      ...(request.signal ? { signal: request.signal } : {}),
      onTest: (r) => request.onTest?.(r),
    });
    return runResultOf(result);
  }
}

/** In the workspace: the agent runs the same engine over the workspace's copy of the folder. */
export class WorkspaceTestRunner implements TestRunner {
  readonly kind = 'workspace' as const;
  readonly label = 'In the workspace';

  constructor(
    /** The workspace connection of a course (for a group assignment, of the group's workspace). */
    private readonly connection: (courseId: string, request: RunRequest) => { ready(): Promise<RpcEndpoint> },
    /** Folder of the assignment in the workspace, relative to its root. */
    private readonly remotePath: (request: RunRequest) => string,
    /** Runs first: brings the latest local edits to the workspace. */
    private readonly beforeRun: (request: RunRequest) => Promise<void>,
  ) {}

  async run(request: RunRequest): Promise<RunResult> {
    await this.beforeRun(request);
    const endpoint = await this.connection(request.courseId, request).ready();
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
      return runResultOf(result);
    } finally {
      off();
    }
  }
}

/** A run's result in the shape every view reads: the grader's per-test fields, the build, the score. */
export interface RunResult {
  score: number;
  maxScore: number;
  compile: { status: 'OK' | 'CE' | 'SE'; output: string };
  tests: TestResultView[];
  /** How many of `tests` are hidden. */
  hiddenTests: number;
  /** Where it ran: the sandbox, the hashes of what ran. */
  provenance: Record<string, string>;
  /** A course server grading: the whole result. */
  graded?: GradingResult;
}

/** The engine's result (this machine, the workspace). */
export function runResultOf(r: GradeResult): RunResult {
  let hidden = 0;
  const tests = r.tests.map((t) => (t.public ? t : { ...t, hiddenIndex: ++hidden }));
  return {
    score: r.score,
    maxScore: r.maxScore,
    compile: { status: r.compile.status, output: r.compile.output },
    tests,
    hiddenTests: hidden,
    provenance: { sandbox: r.sandbox, specHash: r.specHash, sourceHash: r.sourceHash },
  };
}

/** The course server's grading result, hidden tests included. */
export function runResultOfGrading(r: GradingResult): RunResult {
  return {
    score: r.score ?? 0,
    maxScore: r.maxScore ?? 0,
    compile: r.status === 'failed' ? { status: 'SE', output: r.error ?? 'grading failed' } : { status: r.compile?.status ?? 'OK', output: r.compile?.output ?? '' },
    tests: r.tests,
    hiddenTests: r.hiddenTests,
    provenance: r.provenance ?? {},
    graded: r,
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

  async run(request: RunRequest): Promise<RunResult> {
    if (!(await this.beforeRun(request))) throw new RunCancelled();
    const receipt = await this.submissions.submit(request.courseId, request.assignmentId);
    this.onReceipt(request, receipt);
    const result = await this.submissions.waitForResult(receipt.submission.id, request.signal);
    return runResultOfGrading(result);
  }
}

/** The student cancelled the run. */
export class RunCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'RunCancelled';
  }
}
