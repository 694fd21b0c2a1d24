// Typed, validated options of the Kubernetes workspace provider, with every
// default in one place and a reader for the CLASSPOD_K8S_* environment.
import type * as k8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { parseDuration } from '@classpod/protocol';
import { DEFAULT_IDLE_STOP_MS, type ActivityTracker } from '../activity-tracker';

/** What one course's workspaces run and may use. */
export interface CourseWorkspaceSettings {
  /** The course's toolchain image (the agent is copied into it at start). */
  toolchainImage: string;
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
  /** Size of each student's volume. */
  storage: string;
  /** StorageClass of the students' volumes; the cluster default when unset. */
  storageClassName?: string;
  /** Size limit of the workspace's /tmp. */
  tmpSize: string;
  /** A package mirror the workspaces may reach (pip, Maven, apt); nothing else is reachable but DNS. */
  packageMirror?: PackageMirror;
}

/** Where a course's package mirror lives. */
export interface PackageMirror {
  /** CIDR of the mirror's addresses, e.g. `10.20.0.15/32`. */
  cidr: string;
  /** TCP ports, e.g. [443]. */
  ports: number[];
}

/** Structured log sink; the hub passes its own logger. */
export interface ProviderLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Where the hub reaches an agent: `host:port`. */
export type AgentAddress = (target: { namespace: string; service: string; pod: string; podIP?: string; port: number }) => string;

/** Options of `KubernetesWorkspaceProvider`. */
export interface KubernetesProviderOptions {
  /** Cluster access; default: in-cluster service account, else ~/.kube/config. */
  kubeConfig?: k8s.KubeConfig;
  /** Namespace the hub runs in: course namespaces admit agent traffic only from there. */
  hubNamespace: string;
  /** Labels of the hub's pods (default `app.kubernetes.io/name: classpod-hub`). */
  hubPodLabels?: Record<string, string>;
  /** Image holding the agent under /opt/classpod (deploy/docker/agent.Dockerfile). */
  agentImage: string;
  /** Defaults for every course; `courseSettings` may override per course. */
  defaults?: Partial<CourseWorkspaceSettings>;
  /** Per-course settings from the hub's store. */
  courseSettings?: (courseId: string) => Partial<CourseWorkspaceSettings> | undefined | Promise<Partial<CourseWorkspaceSettings> | undefined>;
  /** Stop a workspace after this long without activity, unless its course sets its own time (default 10 minutes); ignored with `activity`. */
  idleTimeoutMs?: number;
  /** Where activity is recorded (default: a tracker of its own with `idleTimeoutMs` and `now`). */
  activity?: ActivityTracker;
  /** How often idle workspaces are looked for (default 1 minute). */
  idleCheckIntervalMs?: number;
  /** How long `ensureRunning` waits for a ready agent (default 5 minutes). */
  readyTimeoutMs?: number;
  /** Cluster DNS domain (default `cluster.local`). */
  clusterDomain?: string;
  /** Where the hub reaches an agent (default: its Service's DNS name). */
  agentAddress?: AgentAddress;
  /** Ask the agent's /readyz from the hub after the pod is ready (default true). */
  probeAgent?: boolean;
  /** Clock, for idle decisions (default Date.now). */
  now?: () => number;
  logger?: ProviderLogger;
}

/** Defaults of every course's workspaces. */
export const DEFAULT_COURSE_SETTINGS: CourseWorkspaceSettings = {
  toolchainImage: 'classpod/toolchain:0.1.0',
  cpuRequest: '100m',
  cpuLimit: '1',
  memoryRequest: '256Mi',
  memoryLimit: '1Gi',
  storage: '2Gi',
  tmpSize: '1Gi',
};

/** Timing defaults. */
export const DEFAULT_TIMING = {
  idleTimeoutMs: DEFAULT_IDLE_STOP_MS,
  idleCheckIntervalMs: 60_000,
  readyTimeoutMs: 5 * 60_000,
} as const;

const QUANTITY = /^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[mkMGTPE]|[eE][+-]?[0-9]+)?$/;

/** Throws when a setting is not something Kubernetes accepts. */
export function checkCourseSettings(settings: CourseWorkspaceSettings): void {
  for (const field of ['cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit', 'storage', 'tmpSize'] as const) {
    if (!QUANTITY.test(settings[field])) {
      throw new Error(`workspace setting ${field} "${settings[field]}" is not a Kubernetes quantity (like 500m, 2, 1Gi)`);
    }
  }
  if (!settings.toolchainImage.trim()) throw new Error('workspace setting toolchainImage is empty');
  const mirror = settings.packageMirror;
  if (mirror) {
    if (!/^[0-9a-fA-F:.]+\/[0-9]{1,3}$/.test(mirror.cidr)) throw new Error(`package mirror cidr "${mirror.cidr}" is not a CIDR`);
    if (mirror.ports.length === 0 || mirror.ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
      throw new Error(`package mirror ports ${JSON.stringify(mirror.ports)} are not TCP ports`);
    }
  }
}

function positiveSeconds(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const ms = parseDuration(raw, 's');
  if (!ms) throw new Error(`${name}="${raw}" is not a positive number of seconds or a duration like 10m or 1h30m`);
  return ms;
}

/**
 * Provider options from the environment (deploy/base/configmap.yaml sets them):
 * CLASSPOD_K8S_HUB_NAMESPACE, CLASSPOD_K8S_AGENT_IMAGE, CLASSPOD_K8S_TOOLCHAIN_IMAGE,
 * CLASSPOD_K8S_IDLE_TIMEOUT_SECONDS, CLASSPOD_K8S_READY_TIMEOUT_SECONDS,
 * CLASSPOD_K8S_WORKSPACE_{STORAGE,CPU_REQUEST,CPU_LIMIT,MEMORY_REQUEST,MEMORY_LIMIT},
 * CLASSPOD_K8S_STORAGE_CLASS.
 */
export function kubernetesOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): KubernetesProviderOptions {
  const defaults: Partial<CourseWorkspaceSettings> = {};
  const map: Array<[keyof CourseWorkspaceSettings, string]> = [
    ['toolchainImage', 'CLASSPOD_K8S_TOOLCHAIN_IMAGE'],
    ['storage', 'CLASSPOD_K8S_WORKSPACE_STORAGE'],
    ['cpuRequest', 'CLASSPOD_K8S_WORKSPACE_CPU_REQUEST'],
    ['cpuLimit', 'CLASSPOD_K8S_WORKSPACE_CPU_LIMIT'],
    ['memoryRequest', 'CLASSPOD_K8S_WORKSPACE_MEMORY_REQUEST'],
    ['memoryLimit', 'CLASSPOD_K8S_WORKSPACE_MEMORY_LIMIT'],
    ['storageClassName', 'CLASSPOD_K8S_STORAGE_CLASS'],
  ];
  for (const [field, name] of map) {
    const value = env[name];
    if (value) (defaults as Record<string, string>)[field] = value;
  }
  checkCourseSettings({ ...DEFAULT_COURSE_SETTINGS, ...defaults });
  return {
    hubNamespace: env.CLASSPOD_K8S_HUB_NAMESPACE || 'classpod',
    agentImage: env.CLASSPOD_K8S_AGENT_IMAGE || 'classpod/agent:0.1.0',
    defaults,
    idleTimeoutMs: positiveSeconds(env, 'CLASSPOD_K8S_IDLE_TIMEOUT_SECONDS'),
    readyTimeoutMs: positiveSeconds(env, 'CLASSPOD_K8S_READY_TIMEOUT_SECONDS'),
  };
}
