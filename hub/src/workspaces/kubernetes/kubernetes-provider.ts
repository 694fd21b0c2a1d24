// Workspaces on Kubernetes: a namespace per course (default-deny network
// policies, hub-to-agent and DNS allowed), and per student a volume that keeps
// their files, a pod running the agent inside the course's toolchain image, a
// Service and a Secret with the agent's token. Pods are started on connect,
// deleted (volume kept) when idle, and watched with informers that feed the
// professors' cluster tree and survive broken watches and hub restarts.
import { randomBytes } from 'node:crypto';
import { createLogger } from '@classpod/observability';
import type * as k8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import {
  workspaceIdOf,
  type AgentEndpoint,
  type ClusterNode,
  type WorkspaceKey,
  type WorkspaceProvider,
  type WorkspaceStatus,
  type WorkspaceStatusListener,
} from '../workspace-provider';
import { ActivityTracker, pausedReason } from '../activity-tracker';
import { KubernetesProviderError, isStatus, toProviderError } from './errors';
import {
  AGENT_PORT,
  COURSE_NAMESPACE_SELECTOR,
  LABEL,
  TOKEN_KEY,
  VALUE,
  WORKSPACE_SELECTOR,
  courseLabels,
  courseNamespace,
  keyFromAnnotations,
  labelValue,
  workspaceNames,
} from './labels';
import {
  agentTokenSecretManifest,
  courseNamespaceManifest,
  courseNetworkPolicies,
  toWire,
  workspaceClaimManifest,
  workspacePodManifest,
  workspaceServiceManifest,
} from './manifests';
import {
  DEFAULT_COURSE_SETTINGS,
  DEFAULT_TIMING,
  checkCourseSettings,
  type CourseWorkspaceSettings,
  type KubernetesProviderOptions,
  type ProviderLogger,
} from './options';
import { readPod, type PodReading } from './pod-status';
import { cpuMillicores, memoryBytes } from './quantity';
import { ResilientInformer } from './resilient-informer';

type K8sModule = typeof k8s;

interface Clients {
  mod: K8sModule;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  networking: k8s.NetworkingV1Api;
  mergePatch: ReturnType<K8sModule['setHeaderOptions']>;
}

/** A status the cluster cannot show because there is no pod (a refused create, a deletion we did not ask for). */
interface Remembered {
  state: 'failed' | 'stopped';
  reason: string;
}


/** Runs workspaces as pods in one namespace per course. */
export class KubernetesWorkspaceProvider implements WorkspaceProvider {
  readonly kind = 'kubernetes' as const;

  private readonly log: ProviderLogger;
  private readonly now: () => number;
  readonly activity: ActivityTracker;
  private readonly readyTimeoutMs: number;
  private clientsPromise: Promise<Clients> | undefined;
  private startPromise: Promise<void> | undefined;
  private podInformer: ResilientInformer<k8s.V1Pod> | undefined;
  private nodeInformer: ResilientInformer<k8s.V1Node> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  private readonly pods = new Map<string, k8s.V1Pod>();
  private readonly seenPodUids = new Set<string>();
  private readonly keys = new Map<string, WorkspaceKey>();
  private readonly remembered = new Map<string, Remembered>();
  private readonly stopsRequested = new Set<string>();
  private readonly tokens = new Map<string, string>();
  private readonly courses = new Map<string, Promise<void>>();
  private readonly starting = new Map<string, Promise<AgentEndpoint>>();
  private readonly listeners = new Set<WorkspaceStatusListener>();
  private readonly podWaiters = new Set<() => void>();
  private readonly lastEmitted = new Map<string, string>();

  constructor(private readonly options: KubernetesProviderOptions) {
    this.log = options.logger ?? createLogger({ name: 'kubernetes-provider' });
    this.now = options.now ?? Date.now;
    this.activity = options.activity ?? new ActivityTracker({ idleStopMs: options.idleTimeoutMs ?? DEFAULT_TIMING.idleTimeoutMs, now: this.now });
    this.readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_TIMING.readyTimeoutMs;
    if (!options.agentImage) throw new Error('the Kubernetes provider needs an agent image');
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.hubNamespace)) {
      throw new Error(`hub namespace "${options.hubNamespace}" is not a namespace name`);
    }
    checkCourseSettings({ ...DEFAULT_COURSE_SETTINGS, ...options.defaults });
  }

  /** Re-read the cluster (course namespaces, workspace pods, nodes) and begin watching. */
  start(): Promise<void> {
    this.startPromise ??= this.startOnce().catch((err: unknown) => {
      this.startPromise = undefined;
      throw toProviderError(err, 'reading the cluster');
    });
    return this.startPromise;
  }

  async ensureCourse(courseId: string): Promise<void> {
    let pending = this.courses.get(courseId);
    if (!pending) {
      pending = this.createCourse(courseId).catch((err: unknown) => {
        this.courses.delete(courseId);
        throw toProviderError(err, `preparing the namespace of course ${courseId}`);
      });
      this.courses.set(courseId, pending);
    }
    return pending;
  }

  async ensureRunning(key: WorkspaceKey, options: { signal?: AbortSignal; idleAfterMs?: number } = {}): Promise<AgentEndpoint> {
    const id = workspaceIdOf(key);
    let pending = this.starting.get(id);
    if (!pending) {
      const briefMs = options.idleAfterMs;
      pending = this.startWorkspace(key, briefMs).finally(() => this.starting.delete(id));
      this.starting.set(id, pending);
    } else if (options.idleAfterMs === undefined) {
      this.activity.record(key);
    }
    return abortable(pending, options.signal);
  }

  async stop(key: WorkspaceKey): Promise<void> {
    const { core } = await this.clients();
    const names = workspaceNames(key);
    const id = workspaceIdOf(key);
    this.stopsRequested.add(id);
    try {
      await core.deleteNamespacedPod({ name: names.pod, namespace: names.namespace });
      this.log.info('workspace stopped', { workspace: id });
    } catch (err) {
      this.stopsRequested.delete(id);
      if (!isStatus(err, 404)) throw toProviderError(err, `stopping workspace ${id}`);
    }
    this.activity.forget(key);
  }

  async status(key: WorkspaceKey): Promise<WorkspaceStatus> {
    await this.start();
    return this.statusOf(key);
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
    for (const [id, key] of this.keys) if (key.courseId === courseId) found.set(id, key);
    return [...found.values()].map((key) => this.statusOf(key)).sort((a, b) => a.workspaceId.localeCompare(b.workspaceId));
  }

  async nodes(): Promise<ClusterNode[]> {
    await this.start();
    const perNode = new Map<string, number>();
    for (const pod of this.pods.values()) {
      const node = pod.spec?.nodeName;
      if (node && !pod.metadata?.deletionTimestamp) perNode.set(node, (perNode.get(node) ?? 0) + 1);
    }
    return (this.nodeInformer?.list() ?? [])
      .map((node): ClusterNode => {
        const name = node.metadata?.name ?? '';
        return {
          name,
          ready: (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
          cpuCapacityMillicores: cpuMillicores(node.status?.capacity?.cpu),
          memoryCapacityBytes: memoryBytes(node.status?.capacity?.memory),
          cpuAllocatableMillicores: cpuMillicores(node.status?.allocatable?.cpu),
          memoryAllocatableBytes: memoryBytes(node.status?.allocatable?.memory),
          workspaces: perNode.get(name) ?? 0,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  onStatus(listener: WorkspaceStatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  touch(key: WorkspaceKey): void {
    this.activity.record(key);
  }

  /**
   * Stop every running workspace the activity tracker finds idle. Runs
   * on a timer after `start()`; callable directly (tests, admin actions).
   */
  async stopIdle(): Promise<WorkspaceKey[]> {
    const now = this.now();
    const stopped: WorkspaceKey[] = [];
    for (const [id, pod] of this.pods) {
      const key = this.keys.get(id);
      if (!key || pod.metadata?.deletionTimestamp || this.starting.has(id)) continue;
      let idle: boolean;
      try {
        idle = await this.activity.isIdle(key, now);
      } catch (err) {
        this.log.warn('idle time of a course not read', { workspace: id, error: (err as Error).message });
        continue;
      }
      if (!idle || this.starting.has(id)) continue;
      const idleMs = this.activity.idleFor(key, now) ?? 0;
      this.log.info('stopping idle workspace', { workspace: id, idleMs });
      try {
        // Said before the pod goes, so the gateway can tell its clients the workspace is paused, not lost.
        const stopping: WorkspaceStatus = { ...this.statusOf(key), state: 'stopping', reason: pausedReason(idleMs) };
        for (const listener of [...this.listeners]) {
          try {
            listener(stopping);
          } catch (err) {
            this.log.error('workspace status listener failed', { error: (err as Error).message });
          }
        }
        await this.stop(key);
        stopped.push(key);
      } catch (err) {
        this.log.warn('could not stop idle workspace', { workspace: id, error: (err as Error).message });
      }
    }
    return stopped;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = undefined;
    await Promise.all([this.podInformer?.stop(), this.nodeInformer?.stop()]);
    this.listeners.clear();
    for (const wake of [...this.podWaiters]) wake();
  }

  // ---- cluster access ------------------------------------------------------

  private clients(): Promise<Clients> {
    this.clientsPromise ??= (async () => {
      const mod = await import('@kubernetes/client-node');
      let kc = this.options.kubeConfig;
      if (!kc) {
        kc = new mod.KubeConfig();
        kc.loadFromDefault();
      }
      return {
        mod,
        kc,
        core: kc.makeApiClient(mod.CoreV1Api),
        networking: kc.makeApiClient(mod.NetworkingV1Api),
        mergePatch: mod.setHeaderOptions('Content-Type', mod.PatchStrategy.MergePatch),
      };
    })();
    return this.clientsPromise;
  }

  private async startOnce(): Promise<void> {
    const { mod, kc, core } = await this.clients();
    const namespaces = await core.listNamespace({ labelSelector: COURSE_NAMESPACE_SELECTOR });
    this.podInformer = new ResilientInformer<k8s.V1Pod>(
      mod.makeInformer(kc, '/api/v1/pods', () => core.listPodForAllNamespaces({ labelSelector: WORKSPACE_SELECTOR }), WORKSPACE_SELECTOR),
      { upsert: (pod) => this.onPod(pod, false), remove: (pod) => this.onPod(pod, true) },
      { what: 'pods', logger: this.log },
    );
    this.nodeInformer = new ResilientInformer<k8s.V1Node>(
      mod.makeInformer(kc, '/api/v1/nodes', () => core.listNode()),
      { upsert: () => undefined, remove: () => undefined },
      { what: 'nodes', logger: this.log },
    );
    try {
      await Promise.all([this.podInformer.start(), this.nodeInformer.start()]);
    } catch (err) {
      await Promise.all([this.podInformer.stop(), this.nodeInformer.stop()]);
      throw err;
    }
    if (this.disposed) {
      await Promise.all([this.podInformer.stop(), this.nodeInformer.stop()]);
      return;
    }
    const interval = this.options.idleCheckIntervalMs ?? DEFAULT_TIMING.idleCheckIntervalMs;
    let checking = false;
    this.idleTimer = setInterval(() => {
      if (checking || this.disposed) return;
      checking = true;
      this.stopIdle()
        .catch((err: Error) => this.log.warn('idle workspaces not stopped', { error: err.message }))
        .finally(() => {
          checking = false;
        });
    }, interval);
    this.idleTimer.unref();
    this.log.info('kubernetes provider started', {
      courses: namespaces.items.length,
      workspacePods: this.pods.size,
      nodes: this.nodeInformer.list().length,
    });
  }

  private onPod(pod: k8s.V1Pod, deleted: boolean): void {
    const key = keyFromAnnotations(pod.metadata?.annotations);
    if (!key) return;
    const id = workspaceIdOf(key);
    this.keys.set(id, key);
    const uid = pod.metadata?.uid;
    if (deleted) {
      if (uid && this.pods.get(id)?.metadata?.uid !== uid) return;
      this.pods.delete(id);
      if (!this.stopsRequested.delete(id)) {
        this.remembered.set(id, { state: 'stopped', reason: 'the pod was deleted outside Classpod (evicted, drained or removed by an administrator)' });
        this.log.warn('workspace pod deleted under the hub', { workspace: id });
      }
    } else {
      if (uid) this.seenPodUids.add(uid);
      this.pods.set(id, pod);
      this.remembered.delete(id);
      if (this.activity.idleFor(key) === undefined && readPod(pod).state === 'running') this.activity.started(key);
    }
    this.emit(key);
    for (const wake of [...this.podWaiters]) wake();
  }

  private statusOf(key: WorkspaceKey): WorkspaceStatus {
    const id = workspaceIdOf(key);
    const pod = this.pods.get(id);
    const reading: PodReading = readPod(pod);
    const remembered = pod ? undefined : this.remembered.get(id);
    const status: WorkspaceStatus = {
      courseId: key.courseId,
      studentId: key.studentId,
      workspaceId: id,
      state: remembered?.state ?? reading.state,
    };
    const reason = remembered?.reason ?? reading.reason;
    if (reason) status.reason = reason;
    if (reading.node) status.node = reading.node;
    if (reading.startedAt) status.startedAt = reading.startedAt;
    return status;
  }

  private emit(key: WorkspaceKey): void {
    const status = this.statusOf(key);
    const signature = JSON.stringify(status);
    if (this.lastEmitted.get(status.workspaceId) === signature) return;
    this.lastEmitted.set(status.workspaceId, signature);
    for (const listener of [...this.listeners]) {
      try {
        listener(status);
      } catch (err) {
        this.log.error('workspace status listener failed', { error: (err as Error).message });
      }
    }
  }

  private remember(key: WorkspaceKey, entry: Remembered): void {
    this.remembered.set(workspaceIdOf(key), entry);
    this.emit(key);
  }

  // ---- courses -------------------------------------------------------------

  private async settingsFor(courseId: string): Promise<CourseWorkspaceSettings> {
    const course = (await this.options.courseSettings?.(courseId)) ?? {};
    const settings: CourseWorkspaceSettings = { ...DEFAULT_COURSE_SETTINGS, ...this.options.defaults, ...course };
    try {
      checkCourseSettings(settings);
    } catch (err) {
      throw new KubernetesProviderError('INVALID', `course ${courseId}: ${(err as Error).message}`);
    }
    return settings;
  }

  private async createCourse(courseId: string): Promise<void> {
    const { core, networking, mergePatch } = await this.clients();
    const settings = await this.settingsFor(courseId);
    const namespace = courseNamespaceManifest(courseId);
    try {
      await core.createNamespace({ body: namespace });
      this.log.info('course namespace created', { course: courseId, namespace: namespace.metadata?.name });
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
      await core.patchNamespace({ name: courseNamespace(courseId), body: { metadata: { labels: courseLabels(courseId) } } }, mergePatch);
    }
    const hub = { namespace: this.options.hubNamespace, podLabels: this.options.hubPodLabels ?? { [LABEL.name]: VALUE.hubName } };
    for (const policy of courseNetworkPolicies(courseId, hub, settings.packageMirror)) {
      const name = policy.metadata?.name ?? '';
      const ns = courseNamespace(courseId);
      try {
        await networking.createNamespacedNetworkPolicy({ namespace: ns, body: policy });
      } catch (err) {
        if (!isStatus(err, 409)) throw err;
        // Exists from an earlier run: bring its rules up to date (the course may have changed its mirror).
        await networking.patchNamespacedNetworkPolicy({ name, namespace: ns, body: toWire({ spec: policy.spec }) }, mergePatch);
      }
    }
  }

  // ---- workspaces ----------------------------------------------------------

  private async startWorkspace(key: WorkspaceKey, briefMs?: number): Promise<AgentEndpoint> {
    const id = workspaceIdOf(key);
    await this.start();
    await this.ensureCourse(key.courseId);
    const { core } = await this.clients();
    const settings = await this.settingsFor(key.courseId);
    const names = workspaceNames(key);
    this.keys.set(id, key);
    const deadline = this.now() + this.readyTimeoutMs;

    const createObjects = async (): Promise<string> => {
      const token = await this.ensureToken(key);
      await this.createUnlessExists(`creating the volume of workspace ${id}`, () =>
        core.createNamespacedPersistentVolumeClaim({ namespace: names.namespace, body: workspaceClaimManifest(key, settings) }),
      );
      await this.createUnlessExists(`creating the service of workspace ${id}`, () =>
        core.createNamespacedService({ namespace: names.namespace, body: workspaceServiceManifest(key) }),
      );
      return token;
    };
    let token: string;
    try {
      token = await createObjects();
    } catch (err) {
      if (!(err instanceof KubernetesProviderError && err.code === 'NOT_FOUND')) throw err;
      // The course namespace is gone (deleted by an administrator): make it again.
      this.log.warn('course namespace missing; creating it again', { course: key.courseId });
      this.courses.delete(key.courseId);
      this.tokens.delete(id);
      await this.ensureCourse(key.courseId);
      token = await createObjects();
    }

    // A pod left failed by an earlier start (bad image, crash loop) is
    // replaced: the course may have fixed its image since. A pod deleted under
    // us while it starts is created again, a few times.
    const stale = this.pods.get(id);
    let replaced: string | undefined;
    if (stale && !stale.metadata?.deletionTimestamp && readPod(stale).permanent) {
      replaced = stale.metadata?.uid;
      this.log.info('replacing a failed workspace pod', { workspace: id, reason: readPod(stale).reason });
      this.stopsRequested.add(id);
      await core.deleteNamespacedPod({ name: names.pod, namespace: names.namespace }).catch((err: unknown) => {
        this.stopsRequested.delete(id);
        if (!isStatus(err, 404)) throw toProviderError(err, `replacing the failed pod of workspace ${id}`);
      });
    }
    let podIP: string | undefined;
    for (let attempt = 1; ; attempt += 1) {
      const terminating = this.pods.get(id);
      if (terminating && (terminating.metadata?.deletionTimestamp || (replaced && terminating.metadata?.uid === replaced))) {
        const uid = terminating.metadata?.uid;
        await this.waitForPods(deadline, () => (this.pods.get(id)?.metadata?.uid !== uid ? true : undefined), id);
      }
      let uid = this.pods.get(id)?.metadata?.uid;
      if (!uid) uid = await this.createPod(key, settings);
      const outcome = await this.waitForPods(deadline, () => {
        const pod = this.pods.get(id);
        if (!pod || pod.metadata?.uid !== uid) return this.seenPodUids.has(uid ?? '') || pod ? 'gone' : undefined;
        const reading = readPod(pod);
        if (reading.ready) return 'ready';
        if (reading.permanent) return 'failed';
        return undefined;
      }, id);
      if (outcome === 'ready') {
        podIP = this.pods.get(id)?.status?.podIP;
        break;
      }
      if (outcome === 'failed') {
        const reading = readPod(this.pods.get(id));
        const code = reading.reason?.startsWith('image pull') ? 'IMAGE_PULL' : reading.reason?.startsWith('crashed') ? 'CRASHED' : 'FAILED';
        throw new KubernetesProviderError(code, `workspace ${id} cannot start: ${reading.reason ?? 'failed'}`);
      }
      if (attempt >= 3) throw new KubernetesProviderError('FAILED', `workspace ${id}: its pod was deleted ${attempt} times while starting`);
      this.log.warn('workspace pod vanished while starting; creating it again', { workspace: id, attempt });
    }

    const address = (this.options.agentAddress ?? this.defaultAgentAddress)({
      namespace: names.namespace,
      service: names.service,
      pod: names.pod,
      podIP,
      port: AGENT_PORT,
    });
    const endpoint: AgentEndpoint = { url: `ws://${address}/v1/connect`, httpUrl: `http://${address}`, token };
    if (this.options.probeAgent !== false) await this.probeAgent(endpoint, deadline, id);
    this.activity.started(key, briefMs);
    this.log.info('workspace running', { workspace: id, node: this.pods.get(id)?.spec?.nodeName });
    return endpoint;
  }

  private readonly defaultAgentAddress = (target: { namespace: string; service: string; port: number }): string =>
    `${target.service}.${target.namespace}.svc.${this.options.clusterDomain ?? 'cluster.local'}:${target.port}`;

  private async createPod(key: WorkspaceKey, settings: CourseWorkspaceSettings): Promise<string | undefined> {
    const { core } = await this.clients();
    const names = workspaceNames(key);
    const id = workspaceIdOf(key);
    try {
      const created = await core.createNamespacedPod({ namespace: names.namespace, body: workspacePodManifest(key, settings, this.options.agentImage) });
      this.remembered.delete(id);
      this.log.info('workspace pod created', { workspace: id, image: settings.toolchainImage });
      return created.metadata?.uid;
    } catch (err) {
      if (isStatus(err, 409)) {
        // Created meanwhile (another request, another hub replica): wait for that one.
        const existing = await core.readNamespacedPod({ name: names.pod, namespace: names.namespace });
        return existing.metadata?.uid;
      }
      const error = toProviderError(err, `creating the pod of workspace ${id}`);
      this.remember(key, { state: 'failed', reason: error.message });
      throw error;
    }
  }

  private async ensureToken(key: WorkspaceKey): Promise<string> {
    const id = workspaceIdOf(key);
    const known = this.tokens.get(id);
    if (known) return known;
    const { core } = await this.clients();
    const names = workspaceNames(key);
    const fresh = randomBytes(32).toString('base64url');
    let token = fresh;
    try {
      await core.createNamespacedSecret({ namespace: names.namespace, body: agentTokenSecretManifest(key, fresh) });
    } catch (err) {
      if (!isStatus(err, 409)) throw toProviderError(err, `creating the agent token of workspace ${id}`);
      const secret = await core.readNamespacedSecret({ name: names.secret, namespace: names.namespace }).catch((e: unknown) => {
        throw toProviderError(e, `reading the agent token of workspace ${id}`);
      });
      const data = secret.data?.[TOKEN_KEY];
      if (!data) throw new KubernetesProviderError('FAILED', `secret ${names.namespace}/${names.secret} holds no ${TOKEN_KEY}`);
      token = Buffer.from(data, 'base64').toString('utf8');
    }
    this.tokens.set(id, token);
    return token;
  }

  private async createUnlessExists(doing: string, create: () => Promise<unknown>): Promise<void> {
    try {
      await create();
    } catch (err) {
      if (isStatus(err, 409)) return;
      throw toProviderError(err, doing);
    }
  }

  /** Resolve with `check()`'s first defined answer, re-checked on every pod event. */
  private waitForPods<T>(deadline: number, check: () => T | undefined, id: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (fn: () => void) => {
        this.podWaiters.delete(wake);
        clearTimeout(timer);
        fn();
      };
      const wake = () => {
        if (this.disposed) return finish(() => reject(new KubernetesProviderError('ABORTED', 'the Kubernetes provider was disposed')));
        const answer = check();
        if (answer !== undefined) finish(() => resolve(answer));
      };
      const timer = setTimeout(() => {
        const reason = this.statusOf(this.keys.get(id) ?? { courseId: '', studentId: '' }).reason;
        finish(() => reject(new KubernetesProviderError('TIMEOUT', `workspace ${id} was not ready in ${this.readyTimeoutMs} ms${reason ? `: ${reason}` : ''}`)));
      }, Math.max(0, deadline - this.now()));
      this.podWaiters.add(wake);
      wake();
    });
  }

  private async probeAgent(endpoint: AgentEndpoint, deadline: number, id: string): Promise<void> {
    let last = '';
    while (this.now() < deadline && !this.disposed) {
      try {
        const response = await fetch(`${endpoint.httpUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
        if (response.ok) return;
        last = `HTTP ${response.status}`;
      } catch (err) {
        last = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new KubernetesProviderError('TIMEOUT', `the agent of workspace ${id} did not answer /readyz: ${last}`);
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new KubernetesProviderError('ABORTED', 'starting the workspace was cancelled'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new KubernetesProviderError('ABORTED', 'starting the workspace was cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
