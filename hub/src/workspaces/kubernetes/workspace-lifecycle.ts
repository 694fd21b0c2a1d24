// Starting and stopping one student's workspace: a start makes what is
// missing (volume, Service, token Secret, pod), replaces a pod left failed,
// and resolves once the pod is ready and the agent answers; concurrent starts
// of one workspace share one attempt. A stop deletes the pod and keeps the
// volume, the Service and the token, so the next start finds the files.
import type { ActivityTracker } from '../activity-tracker';
import { workspaceIdOf, type AgentEndpoint, type WorkspaceKey } from '../workspace-provider';
import type { AgentTokens } from './agent-tokens';
import type { CourseNamespaces } from './course-namespaces';
import { KubernetesProviderError, isStatus, toProviderError } from './errors';
import type { KubeClients } from './kube-clients';
import { AGENT_PORT, workspaceNames } from './labels';
import { workspaceClaimManifest, workspacePodManifest, workspaceServiceManifest } from './manifests';
import { DEFAULT_TIMING, type CourseWorkspaceSettings, type KubernetesProviderOptions, type ProviderLogger } from './options';
import { readPod } from './pod-status';
import type { WorkspacePodCache } from './workspace-pod-cache';
import type { WorkspaceStatuses } from './workspace-statuses';

/** What the lifecycle works with; the provider owns each part. */
export interface WorkspaceLifecycleParts {
  clients: () => Promise<KubeClients>;
  pods: WorkspacePodCache;
  statuses: WorkspaceStatuses;
  tokens: AgentTokens;
  courses: CourseNamespaces;
  activity: ActivityTracker;
  /** Resolves once the cluster has been read and is watched. */
  watching: () => Promise<void>;
  /** Whether the provider was disposed (a start in progress gives up). */
  disposed: () => boolean;
  now: () => number;
  log: ProviderLogger;
}

type LifecycleOptions = Pick<KubernetesProviderOptions, 'agentImage' | 'agentAddress' | 'clusterDomain' | 'probeAgent' | 'readyTimeoutMs'>;

/** Starts and stops workspaces. */
export class WorkspaceLifecycle {
  private readonly starting = new Map<string, Promise<AgentEndpoint>>();
  private readonly readyTimeoutMs: number;

  constructor(
    private readonly parts: WorkspaceLifecycleParts,
    private readonly options: LifecycleOptions,
  ) {
    this.readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_TIMING.readyTimeoutMs;
  }

  /**
   * Start the workspace unless it runs, or join the start in progress.
   * `idleAfterMs`: a start only for the hub's own file access (idle after that long).
   */
  ensureRunning(key: WorkspaceKey, options: { signal?: AbortSignal; idleAfterMs?: number } = {}): Promise<AgentEndpoint> {
    const id = workspaceIdOf(key);
    let pending = this.starting.get(id);
    if (!pending) {
      pending = this.startWorkspace(key, options.idleAfterMs).finally(() => this.starting.delete(id));
      this.starting.set(id, pending);
    } else if (options.idleAfterMs === undefined) {
      this.parts.activity.record(key);
    }
    return abortable(pending, options.signal);
  }

  /** Whether a start of the workspace is in progress. */
  isStarting(id: string): boolean {
    return this.starting.has(id);
  }

  /** Delete the workspace's pod (its volume, Service and token stay); a workspace without a pod is already stopped. */
  async stop(key: WorkspaceKey): Promise<void> {
    const { core } = await this.parts.clients();
    const names = workspaceNames(key);
    const id = workspaceIdOf(key);
    this.parts.statuses.deletionAsked(id);
    try {
      await core.deleteNamespacedPod({ name: names.pod, namespace: names.namespace });
      this.parts.log.info('workspace stopped', { workspace: id });
    } catch (err) {
      this.parts.statuses.deletionNotMade(id);
      if (!isStatus(err, 404)) throw toProviderError(err, `stopping workspace ${id}`);
    }
    this.parts.activity.forget(key);
  }

  private async startWorkspace(key: WorkspaceKey, briefMs?: number): Promise<AgentEndpoint> {
    const { pods, statuses, tokens, courses, log } = this.parts;
    const id = workspaceIdOf(key);
    await this.parts.watching();
    await courses.ensure(key.courseId);
    const { core } = await this.parts.clients();
    const settings = await courses.settingsFor(key.courseId);
    const names = workspaceNames(key);
    pods.know(key);
    const deadline = this.parts.now() + this.readyTimeoutMs;

    const createObjects = async (): Promise<string> => {
      const token = await tokens.ensure(key);
      await createUnlessExists(`creating the volume of workspace ${id}`, () =>
        core.createNamespacedPersistentVolumeClaim({ namespace: names.namespace, body: workspaceClaimManifest(key, settings) }),
      );
      await createUnlessExists(`creating the service of workspace ${id}`, () =>
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
      log.warn('course namespace missing; creating it again', { course: key.courseId });
      courses.forget(key.courseId);
      tokens.forget(key);
      await courses.ensure(key.courseId);
      token = await createObjects();
    }

    // A pod left failed by an earlier start (bad image, crash loop) is
    // replaced: the course may have fixed its image since. A pod deleted under
    // us while it starts is created again, a few times.
    const stale = pods.get(id);
    let replaced: string | undefined;
    if (stale && !stale.metadata?.deletionTimestamp && readPod(stale).permanent) {
      replaced = stale.metadata?.uid;
      log.info('replacing a failed workspace pod', { workspace: id, reason: readPod(stale).reason });
      statuses.deletionAsked(id);
      await core.deleteNamespacedPod({ name: names.pod, namespace: names.namespace }).catch((err: unknown) => {
        statuses.deletionNotMade(id);
        if (!isStatus(err, 404)) throw toProviderError(err, `replacing the failed pod of workspace ${id}`);
      });
    }
    let podIP: string | undefined;
    for (let attempt = 1; ; attempt += 1) {
      const terminating = pods.get(id);
      if (terminating && (terminating.metadata?.deletionTimestamp || (replaced && terminating.metadata?.uid === replaced))) {
        const uid = terminating.metadata?.uid;
        await this.waitForPods(deadline, () => (pods.get(id)?.metadata?.uid !== uid ? true : undefined), key);
      }
      let uid = pods.get(id)?.metadata?.uid;
      if (!uid) uid = await this.createPod(key, settings);
      const outcome = await this.waitForPods(deadline, () => {
        const pod = pods.get(id);
        if (!pod || pod.metadata?.uid !== uid) return pods.seen(uid) || pod ? 'gone' : undefined;
        const reading = readPod(pod);
        if (reading.ready) return 'ready';
        if (reading.permanent) return 'failed';
        return undefined;
      }, key);
      if (outcome === 'ready') {
        podIP = pods.get(id)?.status?.podIP;
        break;
      }
      if (outcome === 'failed') {
        const reading = readPod(pods.get(id));
        const code = reading.reason?.startsWith('image pull') ? 'IMAGE_PULL' : reading.reason?.startsWith('crashed') ? 'CRASHED' : 'FAILED';
        throw new KubernetesProviderError(code, `workspace ${id} cannot start: ${reading.reason ?? 'failed'}`);
      }
      if (attempt >= 3) throw new KubernetesProviderError('FAILED', `workspace ${id}: its pod was deleted ${attempt} times while starting`);
      log.warn('workspace pod vanished while starting; creating it again', { workspace: id, attempt });
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
    this.parts.activity.started(key, briefMs);
    log.info('workspace running', { workspace: id, node: pods.get(id)?.spec?.nodeName });
    return endpoint;
  }

  private readonly defaultAgentAddress = (target: { namespace: string; service: string; port: number }): string =>
    `${target.service}.${target.namespace}.svc.${this.options.clusterDomain ?? 'cluster.local'}:${target.port}`;

  private async createPod(key: WorkspaceKey, settings: CourseWorkspaceSettings): Promise<string | undefined> {
    const { core } = await this.parts.clients();
    const names = workspaceNames(key);
    const id = workspaceIdOf(key);
    try {
      const created = await core.createNamespacedPod({ namespace: names.namespace, body: workspacePodManifest(key, settings, this.options.agentImage) });
      this.parts.statuses.forgetRemembered(id);
      this.parts.log.info('workspace pod created', { workspace: id, image: settings.toolchainImage });
      return created.metadata?.uid;
    } catch (err) {
      if (isStatus(err, 409)) {
        // Created meanwhile (another request, another hub replica): wait for that one.
        const existing = await core.readNamespacedPod({ name: names.pod, namespace: names.namespace });
        return existing.metadata?.uid;
      }
      const error = toProviderError(err, `creating the pod of workspace ${id}`);
      this.parts.statuses.remember(key, { state: 'failed', reason: error.message });
      throw error;
    }
  }

  /** Wait for a pod condition until the start's deadline; a timeout names what the workspace is waiting for. */
  private waitForPods<T>(deadline: number, check: () => T | undefined, key: WorkspaceKey): Promise<T> {
    return this.parts.pods.waitFor(deadline, check, () => {
      const reason = this.parts.statuses.statusOf(key).reason;
      return new KubernetesProviderError('TIMEOUT', `workspace ${workspaceIdOf(key)} was not ready in ${this.readyTimeoutMs} ms${reason ? `: ${reason}` : ''}`);
    });
  }

  private async probeAgent(endpoint: AgentEndpoint, deadline: number, id: string): Promise<void> {
    let last = '';
    while (this.parts.now() < deadline && !this.parts.disposed()) {
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

async function createUnlessExists(doing: string, create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (isStatus(err, 409)) return;
    throw toProviderError(err, doing);
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
