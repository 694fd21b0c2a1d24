// Reads a workspace pod the way a professor wants it told: running, starting
// (and why it waits), stopping, or failed with the reason to act on.
import type * as k8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { WorkspaceState } from '../workspace-provider';

/** The state of a workspace as read from its pod. */
export interface PodReading {
  state: WorkspaceState;
  reason?: string;
  /** The failure will not heal by waiting (image pull, crash loop, bad config). */
  permanent?: boolean;
  node?: string;
  startedAt?: string;
  ready: boolean;
}

const IMAGE_PULL = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable']);
const BAD_CONFIG = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

function iso(value: Date | string | undefined): string | undefined {
  if (!value) return undefined;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

function describeExit(status: k8s.V1ContainerStatus): string {
  const last = status.lastState?.terminated;
  const exit = last ? `exited with code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}` : 'keeps exiting';
  const oom = last?.reason === 'OOMKilled' ? ': out of memory, raise the course memory limit' : '';
  return `container ${status.name} ${exit}${oom}; restarted ${status.restartCount} times`;
}

/** Read a workspace's pod; `undefined` means there is no pod. */
export function readPod(pod: k8s.V1Pod | undefined): PodReading {
  if (!pod) return { state: 'stopped', ready: false };
  const node = pod.spec?.nodeName || undefined;
  const base = { node, ready: false };
  if (pod.metadata?.deletionTimestamp) return { ...base, state: 'stopping', reason: 'stopping: the pod is being deleted' };

  const status = pod.status ?? {};
  const phase = status.phase ?? 'Pending';
  if (phase === 'Succeeded') return { ...base, state: 'stopped', reason: 'the agent exited' };
  if (phase === 'Failed') {
    const why = [status.reason, status.message].filter(Boolean).join(': ') || 'the pod failed';
    return { ...base, state: 'failed', reason: `failed: ${why}`, permanent: true };
  }

  const containers = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  for (const container of containers) {
    const waiting = container.state?.waiting;
    if (!waiting?.reason) continue;
    if (IMAGE_PULL.has(waiting.reason)) {
      return {
        ...base,
        state: 'failed',
        permanent: true,
        reason: `image pull failed for ${container.image} (${waiting.reason})${waiting.message ? `: ${waiting.message}` : ''}`,
      };
    }
    if (waiting.reason === 'CrashLoopBackOff') {
      return { ...base, state: 'failed', permanent: true, reason: `crashed: ${describeExit(container)}` };
    }
    if (BAD_CONFIG.has(waiting.reason)) {
      return { ...base, state: 'failed', permanent: true, reason: `cannot start container ${container.name}: ${waiting.message ?? waiting.reason}` };
    }
  }

  const conditions = status.conditions ?? [];
  const scheduled = conditions.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') {
    const why = scheduled.reason === 'Unschedulable' ? 'no node can run it' : (scheduled.reason ?? 'not scheduled');
    return { ...base, state: 'starting', reason: `pending: ${why}${scheduled.message ? `: ${scheduled.message}` : ''}` };
  }
  if (phase === 'Pending') {
    const waiting = containers.map((c) => c.state?.waiting?.reason).find(Boolean);
    return { ...base, state: 'starting', reason: `pending: ${waiting ?? 'waiting for a node'}` };
  }
  const ready = conditions.some((c) => c.type === 'Ready' && c.status === 'True');
  if (!ready) return { ...base, state: 'starting', reason: 'waiting for the agent to be ready' };
  const running = status.containerStatuses?.find((c) => c.state?.running)?.state?.running;
  return { ...base, state: 'running', ready: true, startedAt: iso(running?.startedAt ?? status.startTime) };
}
