// The cluster's nodes as professors see them in the cluster tree (readiness,
// capacity, allocatable resources, workspaces per node), kept current by a
// node informer.
import type * as k8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { ClusterNode } from '../workspace-provider';
import type { KubeClients } from './kube-clients';
import type { ProviderLogger } from './options';
import { cpuMillicores, memoryBytes } from './quantity';
import { ResilientInformer } from './resilient-informer';

/** The nodes of the cluster, watched. */
export class ClusterNodes {
  private informer: ResilientInformer<k8s.V1Node> | undefined;

  constructor(private readonly logger: ProviderLogger) {}

  /** List the nodes and watch them; throws when the first list fails. */
  async start({ mod, kc, core }: KubeClients): Promise<void> {
    this.informer = new ResilientInformer<k8s.V1Node>(
      mod.makeInformer(kc, '/api/v1/nodes', () => core.listNode()),
      { upsert: () => undefined, remove: () => undefined },
      { what: 'nodes', logger: this.logger },
    );
    await this.informer.start();
  }

  async stop(): Promise<void> {
    await this.informer?.stop();
  }

  /** Number of nodes known. */
  get size(): number {
    return this.informer?.list().length ?? 0;
  }

  /** Every node, by name, with the number of workspaces each runs (from `workspacesPerNode`). */
  list(workspacesPerNode: ReadonlyMap<string, number>): ClusterNode[] {
    return (this.informer?.list() ?? [])
      .map((node): ClusterNode => {
        const name = node.metadata?.name ?? '';
        return {
          name,
          ready: (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
          cpuCapacityMillicores: cpuMillicores(node.status?.capacity?.cpu),
          memoryCapacityBytes: memoryBytes(node.status?.capacity?.memory),
          cpuAllocatableMillicores: cpuMillicores(node.status?.allocatable?.cpu),
          memoryAllocatableBytes: memoryBytes(node.status?.allocatable?.memory),
          workspaces: workspacesPerNode.get(name) ?? 0,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}
