// Workspaces on Kubernetes: a namespace per course (default-deny network
// policies, hub-to-agent and DNS allowed), and per student a volume that keeps
// their files, a pod running the agent inside the course's toolchain image, a
// Service and a Secret with the agent's token. Pods are started on connect,
// deleted (volume kept) when idle, and watched with informers that feed the
// professors' cluster tree and survive broken watches and hub restarts.
//
// This file composes the parts, each owning one job: the pod cache
// (workspace-pod-cache.ts) and node list (cluster-nodes.ts) fed by informers,
// the statuses told to listeners (workspace-statuses.ts), the agent tokens
// (agent-tokens.ts), the course namespaces (course-namespaces.ts), starting
// and stopping (workspace-lifecycle.ts) and idle stops (idle-workspace-stops.ts).
import { createLogger } from '@classpod/observability';
import {
  workspaceIdOf,
  type AgentEndpoint,
  type ClusterNode,
  type WorkspaceKey,
  type WorkspaceProvider,
  type WorkspaceStatus,
  type WorkspaceStatusListener,
} from '../workspace-provider';
import { ActivityTracker } from '../activity-tracker';
import { AgentTokens } from './agent-tokens';
import { ClusterNodes } from './cluster-nodes';
import { CourseNamespaces } from './course-namespaces';
import { isStatus, toProviderError } from './errors';
import { IdleWorkspaceStops } from './idle-workspace-stops';
import { kubeClients, type KubeClients } from './kube-clients';
import { COURSE_NAMESPACE_SELECTOR, LABEL, WORKSPACE_SELECTOR, courseNamespace, keyFromAnnotations, labelValue } from './labels';
import { DEFAULT_COURSE_SETTINGS, DEFAULT_TIMING, checkCourseSettings, type KubernetesProviderOptions, type ProviderLogger } from './options';
import { readPod } from './pod-status';
import { WorkspaceLifecycle } from './workspace-lifecycle';
import { WorkspacePodCache } from './workspace-pod-cache';
import { WorkspaceStatuses } from './workspace-statuses';

/** Runs workspaces as pods in one namespace per course. */
export class KubernetesWorkspaceProvider implements WorkspaceProvider {
  readonly kind = 'kubernetes' as const;
  readonly activity: ActivityTracker;

  private readonly log: ProviderLogger;
  private readonly clients: () => Promise<KubeClients>;
  private readonly pods: WorkspacePodCache;
  private readonly nodeList: ClusterNodes;
  private readonly statuses: WorkspaceStatuses;
  private readonly courses: CourseNamespaces;
  private readonly lifecycle: WorkspaceLifecycle;
  private readonly idleStops: IdleWorkspaceStops;
  private startPromise: Promise<void> | undefined;
  private disposed = false;

  constructor(private readonly options: KubernetesProviderOptions) {
    if (!options.agentImage) throw new Error('the Kubernetes provider needs an agent image');
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.hubNamespace)) {
      throw new Error(`hub namespace "${options.hubNamespace}" is not a namespace name`);
    }
    checkCourseSettings({ ...DEFAULT_COURSE_SETTINGS, ...options.defaults });
    const log = (this.log = options.logger ?? createLogger({ name: 'kubernetes-provider' }));
    const now = options.now ?? Date.now;
    const activity = (this.activity = options.activity ?? new ActivityTracker({ idleStopMs: options.idleTimeoutMs ?? DEFAULT_TIMING.idleTimeoutMs, now }));
    const clients = (this.clients = kubeClients(options.kubeConfig));
    this.pods = new WorkspacePodCache({
      logger: log,
      now,
      changed: (key, pod, deleted) => {
        if (!deleted && activity.idleFor(key) === undefined && readPod(pod).state === 'running') activity.started(key);
        this.statuses.podChanged(key, deleted);
      },
    });
    this.nodeList = new ClusterNodes(log);
    this.statuses = new WorkspaceStatuses((id) => this.pods.get(id), log);
    this.courses = new CourseNamespaces(clients, options, log);
    this.lifecycle = new WorkspaceLifecycle(
      {
        clients,
        pods: this.pods,
        statuses: this.statuses,
        tokens: new AgentTokens(clients),
        courses: this.courses,
        activity,
        watching: () => this.start(),
        disposed: () => this.disposed,
        now,
        log,
      },
      options,
    );
    this.idleStops = new IdleWorkspaceStops({ pods: this.pods, statuses: this.statuses, lifecycle: this.lifecycle, activity, now, log });
  }

  /** Re-read the cluster (course namespaces, workspace pods, nodes) and begin watching. */
  start(): Promise<void> {
    this.startPromise ??= this.startOnce().catch((err: unknown) => {
      this.startPromise = undefined;
      throw toProviderError(err, 'reading the cluster');
    });
    return this.startPromise;
  }

  ensureCourse(courseId: string): Promise<void> {
    return this.courses.ensure(courseId);
  }

  async ensureRunning(key: WorkspaceKey, options: { signal?: AbortSignal; idleAfterMs?: number } = {}): Promise<AgentEndpoint> {
    return this.lifecycle.ensureRunning(key, options);
  }

  stop(key: WorkspaceKey): Promise<void> {
    return this.lifecycle.stop(key);
  }

  async status(key: WorkspaceKey): Promise<WorkspaceStatus> {
    await this.start();
    return this.statuses.statusOf(key);
  }

  async list(courseId: string): Promise<WorkspaceStatus[]> {
    await this.start();
    const { core } = await this.clients();
    const found = new Map<string, WorkspaceKey>();
    try {
      const claims = await core.listNamespacedPersistentVolumeClaim({
        namespace: courseNamespace(courseId),
        labelSelector: `${WORKSPACE_SELECTOR},${LABEL.course}=${labelValue(courseId)}`,
      });
      for (const claim of claims.items) {
        const key = keyFromAnnotations(claim.metadata?.annotations);
        if (key) found.set(workspaceIdOf(key), key);
      }
    } catch (err) {
      if (!isStatus(err, 404)) throw toProviderError(err, `listing the workspaces of course ${courseId}`);
    }
    for (const key of this.pods.knownKeys()) if (key.courseId === courseId) found.set(workspaceIdOf(key), key);
    return [...found.values()].map((key) => this.statuses.statusOf(key)).sort((a, b) => a.workspaceId.localeCompare(b.workspaceId));
  }

  async nodes(): Promise<ClusterNode[]> {
    await this.start();
    return this.nodeList.list(this.pods.podsPerNode());
  }

  onStatus(listener: WorkspaceStatusListener): () => void {
    return this.statuses.onStatus(listener);
  }

  touch(key: WorkspaceKey): void {
    this.activity.record(key);
  }

  /**
   * Stop every running workspace the activity tracker finds idle. Runs
   * on a timer after `start()`; callable directly (tests, admin actions).
   */
  stopIdle(): Promise<WorkspaceKey[]> {
    return this.idleStops.stopIdle();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.idleStops.dispose();
    await Promise.all([this.pods.dispose(), this.nodeList.stop()]);
    this.statuses.dispose();
  }

  private async startOnce(): Promise<void> {
    const clients = await this.clients();
    const namespaces = await clients.core.listNamespace({ labelSelector: COURSE_NAMESPACE_SELECTOR });
    const watches = await Promise.allSettled([this.pods.start(clients), this.nodeList.start(clients)]);
    const failed = watches.find((w): w is PromiseRejectedResult => w.status === 'rejected');
    if (failed || this.disposed) {
      await Promise.all([this.pods.stop(), this.nodeList.stop()]);
      if (failed) throw failed.reason;
      return;
    }
    this.idleStops.every(this.options.idleCheckIntervalMs ?? DEFAULT_TIMING.idleCheckIntervalMs);
    this.log.info('kubernetes provider started', {
      courses: namespaces.items.length,
      workspacePods: this.pods.size,
      nodes: this.nodeList.size,
    });
  }
}
