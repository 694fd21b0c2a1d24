// Follows the hub's pushed events on one connection and applies them to the
// cluster cache: scores, new submissions, workspace states. The professor side
// keeps its own hub connection, so these handlers never replace the student
// side's (an endpoint holds one handler per notification method).

import {
  RegradeRequestChangedNotification,
  HelpChangedNotification,
  ScoreChangedNotification,
  SubmissionAddedNotification,
  WorkspaceStatusChangedNotification,
  type RpcEndpoint,
} from '@classpod/protocol';
import type { Disposable } from '../emitter';
import type { ClusterCache } from './cluster-cache';

/** Start applying the endpoint's events to the cache; dispose to stop. */
export function followHubEvents(endpoint: RpcEndpoint, cache: ClusterCache, onEvent: (method: string) => void = () => undefined): Disposable {
  const removers = [
    endpoint.onNotification(ScoreChangedNotification.type, (p) => {
      cache.applyScoreChanged(p);
      onEvent(ScoreChangedNotification.method);
    }),
    endpoint.onNotification(SubmissionAddedNotification.type, (p) => {
      cache.applySubmissionAdded(p);
      onEvent(SubmissionAddedNotification.method);
    }),
    endpoint.onNotification(WorkspaceStatusChangedNotification.type, (p) => {
      cache.applyWorkspaceStatus(p);
      onEvent(WorkspaceStatusChangedNotification.method);
    }),
    endpoint.onNotification(RegradeRequestChangedNotification.type, (p) => {
      cache.regradeRequests.apply(p.request);
      onEvent(RegradeRequestChangedNotification.method);
    }),
    endpoint.onNotification(HelpChangedNotification.type, (p) => {
      cache.help.apply(p);
      onEvent(HelpChangedNotification.method);
    }),
  ];
  return { dispose: () => removers.forEach((r) => r()) };
}
