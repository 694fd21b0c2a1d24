// Submitting and waiting for the grade: asks the hub to snapshot the
// assignment folder in the workspace, then follows the grading through the
// hub's score events (reading the submission again after a reconnect, in case
// the event was missed) and fetches the per-test result.

import {
  ErrorCode,
  GetResultRequest,
  ProtocolError,
  GetSubmissionRequest,
  SubmitRequest,
  type GradingResult,
  type RpcEndpoint,
  type SubmissionAttempts,
  type SubmissionSummary,
} from '@classpod/protocol';
import { ConnectionError } from '../connection/connection-error';
import { DisposableStore } from '../emitter';
import type { HubEvents } from '../session/hub-events';

export interface Receipt {
  submission: SubmissionSummary;
  /** The hub's time when it took the snapshot. */
  serverTime: string;
  /** The student's attempts after this one, when the assignment limits them. */
  attempts?: SubmissionAttempts;
}

/** Submitting and waiting for grades, as the commands and test runners use it. */
export interface Submissions {
  submit(courseId: string, assignmentId: string): Promise<Receipt>;
  waitForResult(submissionId: string, signal?: AbortSignal): Promise<GradingResult>;
}

export class SubmissionClient implements Submissions {
  constructor(
    private readonly hub: () => Promise<RpcEndpoint>,
    private readonly events: HubEvents,
  ) {}

  /** Hand in the workspace's copy of the assignment folder. */
  async submit(courseId: string, assignmentId: string): Promise<Receipt> {
    const endpoint = await this.hub();
    return endpoint.request(SubmitRequest.type, { courseId, assignmentId }, { timeoutMs: 120_000 });
  }

  /** Resolves with the grading result once grading finished (graded or failed). */
  waitForResult(submissionId: string, signal?: AbortSignal): Promise<GradingResult> {
    const store = new DisposableStore();
    return new Promise<GradingResult>((resolve, reject) => {
      let settled = false;
      const finish = (run: () => void): void => {
        if (settled) return;
        settled = true;
        store.dispose();
        run();
      };
      const check = async (): Promise<void> => {
        try {
          const endpoint = await this.hub();
          const { submission } = await endpoint.request(GetSubmissionRequest.type, { submissionId });
          if (submission.status !== 'graded' && submission.status !== 'failed') return;
          const { result } = await endpoint.request(GetResultRequest.type, { submissionId });
          finish(() => resolve(result));
        } catch (err) {
          // A dropped connection is no answer: the check runs again on reconnect.
          if (err instanceof ProtocolError && (err.code === ErrorCode.Unavailable || err.code === ErrorCode.Cancelled)) return;
          if (err instanceof ConnectionError && err.retryable) return;
          finish(() => reject(err as Error));
        }
      };
      store.add(
        this.events.onScoreChanged((e) => {
          if (e.submissionId === submissionId) void check();
        }),
      );
      store.add(this.events.onDidReconnect(() => void check()));
      if (signal) {
        const onAbort = (): void => finish(() => reject(new Error('stopped waiting for the grade')));
        signal.addEventListener('abort', onAbort, { once: true });
        store.add({ dispose: () => signal.removeEventListener('abort', onAbort) });
      }
      void check();
    });
  }
}
