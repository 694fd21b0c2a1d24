// The hub API on one client connection: every area's methods, bound to the
// caller the connection authenticated as.

import type { RpcEndpoint } from '@classpod/protocol';
import type { ApiContext } from './api-context';
import { attachAssignmentMethods } from './assignment-methods';
import type { Caller } from './authorization';
import { attachClusterMethods } from './cluster-methods';
import { attachCourseMethods } from './course-methods';
import { attachSubmissionMethods } from './submission-methods';

export function attachHubApi(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  attachCourseMethods(endpoint, ctx, caller);
  attachAssignmentMethods(endpoint, ctx, caller);
  attachSubmissionMethods(endpoint, ctx, caller);
  attachClusterMethods(endpoint, ctx, caller);
}
