// The one interface between the course server and whatever runs workspaces:
// local child processes (the embedded default) or Kubernetes pods.

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
  /** ws:// URL of the agent's `/v1/connect` endpoint. */
  url: string;
  /** HTTP base URL of the agent (for /readyz). */
  httpUrl: string;
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

/** A file of a workspace with its content (paths relative, `/`-separated). */
export interface WorkspaceFile {
  path: string;
  content: Buffer;
  /** POSIX permission bits. */
  mode: number;
}

/**
 * Direct access to workspaces' files without going through their agents
 * (stopped workspaces included). The hub writes the `.classpod/` layout and
 * takes snapshots with it. Optional: a provider without it is reached through
 * its agent's file methods instead.
 */
export interface WorkspaceFileAccess {
  /** Whether a path (relative to the workspace root) exists. */
  exists(key: WorkspaceKey, path: string): Promise<boolean>;
  /** Write files (creating folders), each atomically. */
  write(key: WorkspaceKey, files: WorkspaceFile[]): Promise<void>;
  /** Every regular file under a folder of the workspace (paths relative to that folder; symbolic links skipped). */
  readTree(key: WorkspaceKey, folder: string, limits: { maxFiles: number; maxBytes: number; skipNames: readonly string[] }): Promise<WorkspaceFile[]>;
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
  /** Start the workspace if needed and resolve once its agent answers /readyz. */
  ensureRunning(key: WorkspaceKey, options?: { signal?: AbortSignal }): Promise<AgentEndpoint>;
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
  /** Record activity so idle workspaces are stopped only when really idle. */
  touch(key: WorkspaceKey): void;
  /** Direct file access, when the provider has it (the local provider does). */
  readonly files?: WorkspaceFileAccess;
  /** Stop watching and release everything the provider owns (workspaces keep running on Kubernetes; local agents are stopped). */
  dispose(): Promise<void>;
}

/** The stable workspace id of a key. */
export function workspaceIdOf(key: WorkspaceKey): string {
  return `${key.courseId}--${key.studentId}`;
}
