// Stopping the workspaces nobody works in: on a timer, every running
// workspace pod whose workspace the activity tracker finds idle is stopped
// (pod deleted, volume kept), after its listeners are told it is being
// paused, not lost.
import { pausedReason, type ActivityTracker } from '../activity-tracker';
import type { WorkspaceKey } from '../workspace-provider';
import type { ProviderLogger } from './options';
import type { WorkspaceLifecycle } from './workspace-lifecycle';
import type { WorkspacePodCache } from './workspace-pod-cache';
import type { WorkspaceStatuses } from './workspace-statuses';

export interface IdleWorkspaceStopsParts {
  pods: WorkspacePodCache;
  statuses: WorkspaceStatuses;
  lifecycle: WorkspaceLifecycle;
  activity: ActivityTracker;
  now: () => number;
  log: ProviderLogger;
}

/** Finds idle workspaces and stops them, on demand or every interval. */
export class IdleWorkspaceStops {
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly parts: IdleWorkspaceStopsParts) {}

  /** Look for idle workspaces every `intervalMs` until disposed; one look at a time. */
  every(intervalMs: number): void {
    if (this.disposed || this.timer) return;
    let checking = false;
    this.timer = setInterval(() => {
      if (checking || this.disposed) return;
      checking = true;
      this.stopIdle()
        .catch((err: Error) => this.parts.log.warn('idle workspaces not stopped', { error: err.message }))
        .finally(() => {
          checking = false;
        });
    }, intervalMs);
    this.timer.unref();
  }

  /** Stop every running workspace the activity tracker finds idle; returns those stopped. */
  async stopIdle(): Promise<WorkspaceKey[]> {
    const { pods, statuses, lifecycle, activity, log } = this.parts;
    const now = this.parts.now();
    const stopped: WorkspaceKey[] = [];
    for (const [id, pod] of pods.entries()) {
      const key = pods.keyOf(id);
      if (!key || pod.metadata?.deletionTimestamp || lifecycle.isStarting(id)) continue;
      let idle: boolean;
      try {
        idle = await activity.isIdle(key, now);
      } catch (err) {
        log.warn('idle time of a course not read', { workspace: id, error: (err as Error).message });
        continue;
      }
      if (!idle || lifecycle.isStarting(id)) continue;
      const idleMs = activity.idleFor(key, now) ?? 0;
      const idleLimitMs = await activity.idleLimit(key);
      log.info('stopping idle workspace', { workspace: id, idleMs, idleLimitMs });
      try {
        // Said before the pod goes, so the gateway can tell its clients the workspace is paused, not lost.
        statuses.announce({ ...statuses.statusOf(key), state: 'stopping', reason: pausedReason(idleLimitMs) });
        await lifecycle.stop(key);
        stopped.push(key);
      } catch (err) {
        log.warn('could not stop idle workspace', { workspace: id, error: (err as Error).message });
      }
    }
    return stopped;
  }

  /** No more looks. */
  dispose(): void {
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
