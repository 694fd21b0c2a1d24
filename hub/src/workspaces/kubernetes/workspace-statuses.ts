// The status of each workspace as the hub reports it: read from its pod, or,
// when there is no pod, what the hub remembers (a refused create, a deletion
// nobody in Classpod asked for). Tells listeners of each change once.
import type * as k8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { workspaceIdOf, type WorkspaceKey, type WorkspaceStatus, type WorkspaceStatusListener } from '../workspace-provider';
import type { ProviderLogger } from './options';
import { readPod } from './pod-status';

/** A status the cluster cannot show because there is no pod. */
export interface RememberedStatus {
  state: 'failed' | 'stopped';
  reason: string;
}

/** The reason of a workspace whose pod was deleted by someone other than the hub. */
export const DELETED_UNDER_THE_HUB = 'the pod was deleted outside Classpod (evicted, drained or removed by an administrator)';

/** Workspace statuses, from the pods (`podOf`) and from what the hub remembers. */
export class WorkspaceStatuses {
  private readonly remembered = new Map<string, RememberedStatus>();
  private readonly deletionsAsked = new Set<string>();
  private readonly lastEmitted = new Map<string, string>();
  private readonly listeners = new Set<WorkspaceStatusListener>();

  constructor(
    private readonly podOf: (id: string) => k8s.V1Pod | undefined,
    private readonly log: ProviderLogger,
  ) {}

  onStatus(listener: WorkspaceStatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The workspace's status now. */
  statusOf(key: WorkspaceKey): WorkspaceStatus {
    const id = workspaceIdOf(key);
    const pod = this.podOf(id);
    const reading = readPod(pod);
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

  /** The hub is about to delete the workspace's pod: its deletion is no failure. */
  deletionAsked(id: string): void {
    this.deletionsAsked.add(id);
  }

  /** The deletion asked for did not happen (the pod was already gone, or the request failed). */
  deletionNotMade(id: string): void {
    this.deletionsAsked.delete(id);
  }

  /** A pod event came in (the pod cache has it already): take it in and tell the listeners. */
  podChanged(key: WorkspaceKey, deleted: boolean): void {
    const id = workspaceIdOf(key);
    if (!deleted) this.remembered.delete(id);
    else if (!this.deletionsAsked.delete(id)) {
      this.remembered.set(id, { state: 'stopped', reason: DELETED_UNDER_THE_HUB });
      this.log.warn('workspace pod deleted under the hub', { workspace: id });
    }
    this.emit(key);
  }

  /** Remember a status the cluster cannot show (no pod), and tell the listeners. */
  remember(key: WorkspaceKey, entry: RememberedStatus): void {
    this.remembered.set(workspaceIdOf(key), entry);
    this.emit(key);
  }

  /** A pod was created: what was remembered no longer holds. */
  forgetRemembered(id: string): void {
    this.remembered.delete(id);
  }

  /** Tell every listener of a status that is not read from the cluster (a stop being made, with its reason). */
  announce(status: WorkspaceStatus): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(status);
      } catch (err) {
        this.log.error('workspace status listener failed', { error: (err as Error).message });
      }
    }
  }

  /** Tell the listeners the workspace's status, unless it is the one they were told last. */
  emit(key: WorkspaceKey): void {
    const status = this.statusOf(key);
    const signature = JSON.stringify(status);
    if (this.lastEmitted.get(status.workspaceId) === signature) return;
    this.lastEmitted.set(status.workspaceId, signature);
    this.announce(status);
  }

  /** No listener hears anything any more. */
  dispose(): void {
    this.listeners.clear();
  }
}
