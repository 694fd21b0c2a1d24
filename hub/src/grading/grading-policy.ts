// The grading policy: which sandboxes' grades are official. A worker states
// its sandbox at registration (`grading/register`); one whose sandbox the
// policy does not name is refused, leases no job, and nothing it sends is
// recorded. The deployment sets the policy (`--official-sandboxes`, default
// isolate: the official grader VMs); the embedded demo sets `local`.

import type { GradingPolicy, WorkerIdentity } from '@classpod/protocol';

/** Sandbox plugin names a policy may name. */
export const SANDBOX_NAMES = ['isolate', 'local', 'none'] as const;

/** The official grader's policy. */
export const DEFAULT_OFFICIAL_SANDBOXES: readonly string[] = ['isolate'];

/** The deployment's policy. */
export function deploymentPolicy(officialSandboxes: readonly string[]): GradingPolicy {
  return { officialSandboxes: [...officialSandboxes], source: 'deployment' };
}

/** `isolate`, `isolate or local`, `isolate, local or none`. */
function list(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? 'no sandbox') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** Why `worker` may not grade under `policy`, or null when it may. */
export function policyRefusal(worker: WorkerIdentity, policy: GradingPolicy): string | null {
  const sandbox = worker.sandbox;
  const rule = `this hub records official grades only from the sandbox${policy.officialSandboxes.length > 1 ? 's' : ''} ${list(policy.officialSandboxes)} (the ${policy.source}'s grading policy)`;
  if (!policy.officialSandboxes.includes(sandbox.name)) {
    const what = sandbox.name === 'none' ? '`none`, which is not a sandbox (submissions would run with the worker\'s own rights)' : `\`${sandbox.name}\``;
    return `worker ${worker.workerId} grades in ${what}; ${rule}, so it gets no jobs`;
  }
  if (sandbox.name !== 'none' && !sandbox.isolating) {
    return `worker ${worker.workerId} says its sandbox is \`${sandbox.name}\` but that it does not isolate submissions; ${rule}, so it gets no jobs`;
  }
  return null;
}
