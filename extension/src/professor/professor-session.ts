// The professor side of a signed-in person who teaches: its own connection to
// the hub (so its event handlers never clash with the student side's), the
// cache of the hub's entities fed by that connection's events, the cluster
// tree over that cache, and the staff actions. After a reconnect the cache
// forgets what it loaded, since events may have been missed while offline;
// rows reload as they are shown.

import type { Logger } from '@classpod/observability';
import { DisposableStore, type Disposable } from '../emitter';
import type { OpenedEndpoint } from '../connection/open-endpoint';
import { ReconnectingConnection, type ReconnectOptions } from '../connection/reconnecting-connection';
import { ClusterCache } from './cluster-cache';
import { ClusterModel, type ClusterModelOptions } from './cluster-model';
import { followHubEvents } from './hub-events';
import { requesterFor } from './hub-requester';
import { StaffActions } from './staff-actions';

/** The part of `people/whoami` that says whether someone teaches. */
export interface PersonRoles {
  admin: boolean;
  courses: ReadonlyArray<{ courseId: string; role: string }>;
}

/** True when the person is a professor or assistant of some course (or an administrator). */
export function teachesAnyCourse(person: PersonRoles): boolean {
  return person.admin || person.courses.some((c) => c.role !== 'student');
}

export interface ProfessorSessionOptions {
  /** Opens one connection to the hub's API with the person's token. */
  open: () => Promise<OpenedEndpoint>;
  logger: Logger;
  model?: ClusterModelOptions;
  reconnect?: ReconnectOptions;
}

export class ProfessorSession implements Disposable {
  readonly connection: ReconnectingConnection;
  readonly cache: ClusterCache;
  readonly model: ClusterModel;
  readonly actions: StaffActions;
  private readonly store = new DisposableStore();
  private events: Disposable | undefined;
  private connectedBefore = false;

  constructor(options: ProfessorSessionOptions) {
    this.connection = this.store.add(new ReconnectingConnection(options.open, options.reconnect));
    const request = requesterFor(() => this.connection.ready());
    this.cache = this.store.add(new ClusterCache(request));
    this.model = this.store.add(new ClusterModel(this.cache, options.model));
    this.actions = this.store.add(new StaffActions(request, this.cache));
    this.store.add(
      this.connection.onDidConnect(({ endpoint }) => {
        this.events?.dispose();
        this.events = followHubEvents(endpoint, this.cache, (method) => options.logger.debug('hub event', { method }));
        if (this.connectedBefore) this.cache.reload();
        this.connectedBefore = true;
      }),
    );
  }

  dispose(): void {
    this.events?.dispose();
    this.store.dispose();
  }
}
