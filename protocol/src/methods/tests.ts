// Tests: running an assignment's public tests inside the workspace, with the
// same grading engine and public specification the student's own machine uses.
// Hidden tests never reach a workspace, so only public tests can run here.

import { Type } from '@sinclair/typebox';
import { defineNotification, defineRequest } from '../method';
import { GradeResult, TestCaseResult } from './grading';

/** `tests/runPublic`: grade an assignment folder against its public tests (`.classpod/tests/spec.json`). */
export namespace RunPublicTestsRequest {
  export const method = 'tests/runPublic';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Run the public tests of an assignment folder in the workspace (or only one, to rerun a graded test like the grader: under the same limits); `tests/progress` reports each test, the answer is the whole result. Runs one at a time per workspace.",
    params: Type.Object({
      /** The assignment's folder, relative to the workspace root (it holds `.classpod/tests/spec.json`). */
      path: Type.String({ maxLength: 4096 }),
      /** Echoed in `tests/progress`, so a client can tell its runs apart. */
      runId: Type.Optional(Type.String({ maxLength: 64 })),
      /** Run only this public test (NotFound when the folder's public tests have none of that name). */
      test: Type.Optional(Type.Object({ group: Type.String({ maxLength: 100 }), name: Type.String({ maxLength: 100 }) })),
    }),
    result: Type.Object({
      /** The grading result of the public tests. */
      result: GradeResult,
    }),
  });
}

/** `tests/progress`: one test of a run finished. */
export namespace TestProgressNotification {
  export const method = 'tests/progress';
  export const type = defineNotification({
    method,
    direction: 'serverToClient',
    description: 'One test of a `tests/runPublic` run finished.',
    params: Type.Object({
      /** The run's id, when the request named one. */
      runId: Type.Optional(Type.String()),
      /** The test's result. */
      result: TestCaseResult,
      /** Tests finished so far in this run. */
      done: Type.Integer({ minimum: 0 }),
      /** Tests in this run. */
      total: Type.Integer({ minimum: 0 }),
    }),
  });
}
