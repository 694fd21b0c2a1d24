// The hub API on one client connection: every area's methods, bound to the
// caller the connection authenticated as, each call counted and timed for
// /metrics.

import { errorCodeName, ProtocolError, type RpcEndpoint } from '@classpod/protocol';
import { type Counter, type Histogram } from '@classpod/observability';
import type { ApiContext } from './api-context';
import { attachAssignmentMethods } from './assignment-methods';
import { attachAttemptMethods } from './attempt-methods';
import type { Caller } from './authorization';
import { attachClusterMethods } from './cluster-methods';
import { attachCourseMethods } from './course-methods';
import { attachFeedbackMethods } from './feedback-methods';
import { attachHelpMethods } from './help-methods';
import { attachGradebookMethods } from './gradebook-methods';
import { attachGroupMethods } from './group-methods';
import { attachInviteMethods } from './invite-methods';
import { attachCourseAdminMethods } from './course-admin-methods';
import { attachLateDayMethods } from './late-day-methods';
import { attachRosterMethods } from './roster-methods';
import { attachRubricMethods } from './rubric-methods';
import { attachPrewarmMethods } from './prewarm-methods';
import { attachRegradeRequestMethods } from './regrade-request-methods';
import { attachSubmissionMethods } from './submission-methods';
import { attachSimilarityMethods } from './similarity-methods';
import { attachVersionMethods } from './version-methods';

/** Request metrics of the hub API. */
export interface ApiMetrics {
  requests: Counter;
  seconds: Histogram;
}

/** Wrap every handler registered on `endpoint` so it is counted (by method and outcome) and timed. */
function instrument(endpoint: RpcEndpoint, metrics: ApiMetrics): void {
  const handle = endpoint.handle.bind(endpoint);
  endpoint.handle = ((type, handler) =>
    handle(type, async (params, ctx) => {
      const start = process.hrtime.bigint();
      let outcome = 'ok';
      try {
        return await handler(params, ctx);
      } catch (err) {
        outcome = err instanceof ProtocolError ? errorCodeName(err.code) : 'Internal';
        throw err;
      } finally {
        metrics.requests.inc(1, { method: type.method, outcome });
        metrics.seconds.observe(Number(process.hrtime.bigint() - start) / 1e9, { method: type.method });
      }
    })) as RpcEndpoint['handle'];
}

export function attachHubApi(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller, metrics?: ApiMetrics): void {
  if (metrics) instrument(endpoint, metrics);
  attachCourseMethods(endpoint, ctx, caller);
  attachAssignmentMethods(endpoint, ctx, caller);
  attachSubmissionMethods(endpoint, ctx, caller);
  attachGradebookMethods(endpoint, ctx, caller);
  attachFeedbackMethods(endpoint, ctx, caller);
  attachHelpMethods(endpoint, ctx, caller);
  attachRubricMethods(endpoint, ctx, caller);
  attachClusterMethods(endpoint, ctx, caller);
  attachVersionMethods(endpoint, ctx, caller);
  attachRosterMethods(endpoint, ctx, caller);
  attachPrewarmMethods(endpoint, ctx, caller);
  attachInviteMethods(endpoint, ctx, caller);
  attachCourseAdminMethods(endpoint, ctx, caller);
  attachRegradeRequestMethods(endpoint, ctx, caller);
  attachSimilarityMethods(endpoint, ctx, caller);
  attachLateDayMethods(endpoint, ctx, caller);
  attachAttemptMethods(endpoint, ctx, caller);
  attachGroupMethods(endpoint, ctx, caller);
}
