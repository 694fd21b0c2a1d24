// The course server's pushed events, fanned out to whoever listens. An
// endpoint holds one handler per notification method, so this class owns
// those handlers and re-registers them on every new connection.

import {
  RegradeRequestChangedNotification,
  ScoreChangedNotification,
  SubmissionAddedNotification,
  WorkspaceStatusChangedNotification,
  type ParamsOf,
} from '@classpod/protocol';
import { DisposableStore, Emitter, type Disposable, type Event } from '../emitter';
import type { ReconnectingConnection } from '../connection/reconnecting-connection';

export type ScoreChanged = ParamsOf<typeof ScoreChangedNotification.type>;
export type SubmissionAdded = ParamsOf<typeof SubmissionAddedNotification.type>;
export type WorkspaceStatusChanged = ParamsOf<typeof WorkspaceStatusChangedNotification.type>;
export type RegradeRequestChanged = ParamsOf<typeof RegradeRequestChangedNotification.type>;

export class HubEvents implements Disposable {
  private readonly store = new DisposableStore();
  private readonly scores = this.store.add(new Emitter<ScoreChanged>());
  private readonly submissions = this.store.add(new Emitter<SubmissionAdded>());
  private readonly workspaces = this.store.add(new Emitter<WorkspaceStatusChanged>());
  private readonly regradeRequests = this.store.add(new Emitter<RegradeRequestChanged>());
  private readonly reconnects = this.store.add(new Emitter<void>());
  /** A submission was graded, regraded or its score overridden. */
  readonly onScoreChanged: Event<ScoreChanged> = this.scores.event;
  readonly onSubmissionAdded: Event<SubmissionAdded> = this.submissions.event;
  readonly onWorkspaceStatusChanged: Event<WorkspaceStatusChanged> = this.workspaces.event;
  /** A regrade request of the student was made or answered. */
  readonly onRegradeRequestChanged: Event<RegradeRequestChanged> = this.regradeRequests.event;
  /** A new connection is up: events may have been missed, state should be read again. */
  readonly onDidReconnect: Event<void> = this.reconnects.event;

  constructor(connection: Pick<ReconnectingConnection, 'onDidConnect' | 'endpoint'>) {
    const wire = (endpoint: NonNullable<ReconnectingConnection['endpoint']>): void => {
      endpoint.onNotification(ScoreChangedNotification.type, (p) => this.scores.fire(p));
      endpoint.onNotification(SubmissionAddedNotification.type, (p) => this.submissions.fire(p));
      endpoint.onNotification(WorkspaceStatusChangedNotification.type, (p) => this.workspaces.fire(p));
      endpoint.onNotification(RegradeRequestChangedNotification.type, (p) => this.regradeRequests.fire(p));
    };
    if (connection.endpoint) wire(connection.endpoint);
    this.store.add(
      connection.onDidConnect(({ endpoint }) => {
        wire(endpoint);
        this.reconnects.fire();
      }),
    );
  }

  dispose(): void {
    this.store.dispose();
  }
}
