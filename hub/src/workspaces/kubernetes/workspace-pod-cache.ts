// What the hub knows of the workspace pods, fed by an informer on every
// workspace pod of the cluster: the current pod of each workspace, the pod
// uids ever seen (so a start can tell "not created yet" from "deleted"), the
// workspaces met so far, and waits that re-check a condition on every pod
// event.
import type * as k8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { workspaceIdOf, type WorkspaceKey } from '../workspace-provider';
import { KubernetesProviderError } from './errors';
import type { KubeClients } from './kube-clients';
import { WORKSPACE_SELECTOR, keyFromAnnotations } from './labels';
import type { ProviderLogger } from './options';
import { ResilientInformer } from './resilient-informer';

/** Told of each pod event after the cache took it in, before waits re-check. */
export type PodChange = (key: WorkspaceKey, pod: k8s.V1Pod, deleted: boolean) => void;

export interface WorkspacePodCacheOptions {
  logger: ProviderLogger;
  /** Clock of the waits' deadlines. */
  now: () => number;
  changed: PodChange;
}

/** The workspace pods of the cluster by workspace id, kept current by a pod informer. */
export class WorkspacePodCache {
  private readonly pods = new Map<string, k8s.V1Pod>();
  private readonly seenUids = new Set<string>();
  private readonly keys = new Map<string, WorkspaceKey>();
  private readonly waiters = new Set<() => void>();
  private informer: ResilientInformer<k8s.V1Pod> | undefined;
  private disposed = false;

  constructor(private readonly options: WorkspacePodCacheOptions) {}

  /** List every workspace pod and watch them; throws when the first list fails. */
  async start({ mod, kc, core }: KubeClients): Promise<void> {
    this.informer = new ResilientInformer<k8s.V1Pod>(
      mod.makeInformer(kc, '/api/v1/pods', () => core.listPodForAllNamespaces({ labelSelector: WORKSPACE_SELECTOR }), WORKSPACE_SELECTOR),
      { upsert: (pod) => this.apply(pod, false), remove: (pod) => this.apply(pod, true) },
      { what: 'pods', logger: this.options.logger },
    );
    await this.informer.start();
  }

  /** Stop watching (the cache keeps what it knows). */
  async stop(): Promise<void> {
    await this.informer?.stop();
  }

  /** The current pod of a workspace. */
  get(id: string): k8s.V1Pod | undefined {
    return this.pods.get(id);
  }

  /** Whether a pod with this uid was ever seen. */
  seen(uid: string | undefined): boolean {
    return uid !== undefined && this.seenUids.has(uid);
  }

  /** Number of workspace pods. */
  get size(): number {
    return this.pods.size;
  }

  /** Every workspace pod with its workspace id. */
  entries(): IterableIterator<[string, k8s.V1Pod]> {
    return this.pods.entries();
  }

  /** Note a workspace the hub works with, even before it has a pod. */
  know(key: WorkspaceKey): void {
    this.keys.set(workspaceIdOf(key), key);
  }

  /** The key of a workspace met so far (from a pod or from `know`). */
  keyOf(id: string): WorkspaceKey | undefined {
    return this.keys.get(id);
  }

  /** Every workspace met so far. */
  knownKeys(): IterableIterator<WorkspaceKey> {
    return this.keys.values();
  }

  /** Workspace pods per node, not counting pods being deleted. */
  podsPerNode(): Map<string, number> {
    const perNode = new Map<string, number>();
    for (const pod of this.pods.values()) {
      const node = pod.spec?.nodeName;
      if (node && !pod.metadata?.deletionTimestamp) perNode.set(node, (perNode.get(node) ?? 0) + 1);
    }
    return perNode;
  }

  /**
   * Resolve with `check()`'s first defined answer, re-checked on every pod
   * event; reject with `timeout()` at `deadline`, or when the cache is disposed.
   */
  waitFor<T>(deadline: number, check: () => T | undefined, timeout: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (fn: () => void) => {
        this.waiters.delete(wake);
        clearTimeout(timer);
        fn();
      };
      const wake = () => {
        if (this.disposed) return finish(() => reject(new KubernetesProviderError('ABORTED', 'the Kubernetes provider was disposed')));
        const answer = check();
        if (answer !== undefined) finish(() => resolve(answer));
      };
      const timer = setTimeout(() => finish(() => reject(timeout())), Math.max(0, deadline - this.options.now()));
      this.waiters.add(wake);
      wake();
    });
  }

  /** Stop watching and end every wait. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
    for (const wake of [...this.waiters]) wake();
  }

  private apply(pod: k8s.V1Pod, deleted: boolean): void {
    const key = keyFromAnnotations(pod.metadata?.annotations);
    if (!key) return;
    const id = workspaceIdOf(key);
    this.keys.set(id, key);
    const uid = pod.metadata?.uid;
    if (deleted) {
      // A deletion of a pod that was already replaced says nothing about the workspace.
      if (uid && this.pods.get(id)?.metadata?.uid !== uid) return;
      this.pods.delete(id);
    } else {
      if (uid) this.seenUids.add(uid);
      this.pods.set(id, pod);
    }
    this.options.changed(key, pod, deleted);
    for (const wake of [...this.waiters]) wake();
  }
}
