// Submitting while the course server cannot be reached: the student is told
// first that the submission goes in when the server is back (and can cancel),
// then the wait for it can be cancelled; nothing is sent before it is back.

import type { Event } from '../emitter';

/** The part of the hub connection the wait reads. */
export interface ConnectionStates {
  readonly state: { kind: string };
  readonly onDidChangeState: Event<{ kind: string }>;
}

/** What the student reads before an offline submission: a message and its detail. */
export function offlineSubmitNotice(title: string, problem: string): { message: string; detail: string } {
  return {
    message: `You are offline: “${title}” will be submitted when the course server is back.`,
    detail: `${problem}\n\nNothing is handed in until then; the files submitted are those in your workspace at that moment. You can cancel while Classpod waits.`,
  };
}

/** Resolves true once the connection is online, false when `signal` aborts first or the connection closes. */
export function waitUntilOnline(connection: ConnectionStates, signal: AbortSignal): Promise<boolean> {
  if (connection.state.kind === 'online') return Promise.resolve(true);
  if (signal.aborted || connection.state.kind === 'closed') return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (value: boolean): void => {
      sub.dispose();
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = (): void => done(false);
    const sub = connection.onDidChangeState((s) => {
      if (s.kind === 'online') done(true);
      else if (s.kind === 'closed') done(false);
    });
    signal.addEventListener('abort', onAbort);
  });
}
