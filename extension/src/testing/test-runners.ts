// The three places a student's public tests run: on this machine (the grader
// engine with the `none` sandbox: limits and timeouts only), in the workspace
// (the agent runs the same engine), and on the course server's grader.

import type { GradeResult, GradingSpec, TestCaseResult } from '@classpod/protocol';
import { gradeSubmission } from '@classpod/grader';

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
