// The agent's sync service: serves the workspace-side replica of any folder
// under the workspace root to the local sync session over the `sync/*`
// methods. The replicas (and their scan caches and watchers) are shared by
// every connection and closed with the agent. Replicas are reached through
// the agent's own workspace jail, the one the files service uses.

import { SyncReplicaHost } from '@classpod/sync';
import type { AgentContext, AgentService } from '../service';

/** Build the sync service of an agent. */
export function createSyncService(context: AgentContext): AgentService {
  const host = new SyncReplicaHost({ workspaceRoot: context.jail.root, workspace: context.jail, logger: context.logger, metrics: context.metrics });
  return {
    name: 'sync',
    capabilities: ['sync'],
    connect: (endpoint) => host.serve(endpoint),
    close: () => host.close(),
  };
}
