// The one interface between the course server and whatever runs workspaces:
// local child processes (the embedded default) or Kubernetes pods.

import type { ActivityTracker } from './activity-tracker';

/** Lifecycle state of one student's workspace, as professors see it in the cluster tree. */
export type WorkspaceState = 'stopped' | 'starting' | 'running' | 'stopping' | 'failed';

/** Identifies one workspace: one per student per course. */
export interface WorkspaceKey {
  /** Course id (slug), e.g. `cs101`. */
  courseId: string;
  /** Person id of the student. */
  studentId: string;
}

/** What a provider knows about a workspace right now. */
export interface WorkspaceStatus extends WorkspaceKey {
  /** Stable workspace id (`<courseId>--<studentId>`). */
  workspaceId: string;
  state: WorkspaceState;
  /** Why the workspace is not running, in words a professor can act on (pending, quota exceeded, image pull, crash, ...). */
  reason?: string;
  /** Node (Kubernetes) or host (local) that runs it. */
  node?: string;
  /** When the current run started (ISO 8601), if running. */
  startedAt?: string;
  /** CPU in use, millicores, when known. */
  cpuMillicores?: number;
  /** Memory in use, bytes, when known. */
  memoryBytes?: number;
}

/** Where the hub reaches a running workspace's agent (never exposed to clients). */
export interface AgentEndpoint {
  /** URL of the agent's `/v1/connect` endpoint: `ws://HOST:PORT/v1/connect`, or `ws+unix://SOCKET:/v1/connect` for a local agent behind a unix socket. */
  url: string;
  /** HTTP base URL of the agent (for /readyz); with `socketPath`, requests go to that socket instead. */
  httpUrl: string;
  /** The unix socket (a hub-owned path) of a sandboxed local agent. */
  socketPath?: string;
  /** Bearer token the hub presents to the agent. */
  token: string;
}

/** A machine that runs workspaces, for the professors' cluster view. */
export interface ClusterNode {
  name: string;
  ready: boolean;
  cpuCapacityMillicores?: number;
  memoryCapacityBytes?: number;
  cpuAllocatableMillicores?: number;
  memoryAllocatableBytes?: number;
  workspaces: number;
}

/** Event a provider emits when a workspace's status changes. */
export type WorkspaceStatusListener = (status: WorkspaceStatus) => void;

/**
 * A source of workspaces. Implementations: `LocalWorkspaceProvider` (agents as child
 * processes over folders in the data folder) and `KubernetesWorkspaceProvider`
 * (namespace per course; pod + PVC + service per student per course).
 */
export interface WorkspaceProvider {
  /** `local` or `kubernetes`. */
  readonly kind: 'local' | 'kubernetes';
  /** Re-read what already exists (after a hub restart) and begin watching. */
  start(): Promise<void>;
  /** Make sure the course's shared resources exist (namespace, network policy, ...). */
  ensureCourse(courseId: string): Promise<void>;
  /**
   * Start the workspace if needed and resolve once its agent answers /readyz.
   * `idleAfterMs`: when this call is what starts it (the hub only reads or
   * writes files, nobody works in it), it counts as idle after this long
   * instead of the provider's usual idle time.
   */
  ensureRunning(key: WorkspaceKey, options?: { signal?: AbortSignal; idleAfterMs?: number }): Promise<AgentEndpoint>;
  /** Whether the workspace's files exist (it was started at least once), never starting it; left out when a provider cannot tell cheaply. */
  exists?(key: WorkspaceKey): Promise<boolean>;
  /** Stop the workspace, keeping its files. */
  stop(key: WorkspaceKey): Promise<void>;
  /** Current status of one workspace (state `stopped` when it was never started). */
  status(key: WorkspaceKey): Promise<WorkspaceStatus>;
  /** All workspaces of a course. */
  list(courseId: string): Promise<WorkspaceStatus[]>;
  /** Machines that run workspaces. */
  nodes(): Promise<ClusterNode[]>;
  /** Subscribe to status changes; returns the unsubscribe function. */
  onStatus(listener: WorkspaceStatusListener): () => void;
  /** What people do in the workspaces: the provider stops a running workspace once this says it is idle. */
  readonly activity: ActivityTracker;
  /** Record activity now (the same as `activity.record`). */
  touch(key: WorkspaceKey): void;
  /** Stop watching and release everything the provider owns (workspaces keep running on Kubernetes; local agents are stopped). */
  dispose(): Promise<void>;
}

/** The stable workspace id of a key. */
export function workspaceIdOf(key: WorkspaceKey): string {
  return `${key.courseId}--${key.studentId}`;
}
