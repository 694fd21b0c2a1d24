// The grading policy: which sandboxes' grades are official. A worker states
// its sandbox at registration (`grading/register`); one whose sandbox the
// policy does not name is refused, leases no job, and nothing it sends is
// recorded. The deployment sets the policy (`--official-sandboxes`, default
// isolate: the official grader VMs; the embedded demo: isolate and local); a
// course may narrow it (`grading.officialSandboxes` in course.yaml), never
// widen it: its jobs then go only to workers in the sandboxes both name.

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

/** The policy for one course: the deployment's, narrowed by the course's own list when it has one. */
export function coursePolicy(deployment: GradingPolicy, course: readonly string[] | undefined): GradingPolicy {
  if (!course) return deployment;
  return { officialSandboxes: deployment.officialSandboxes.filter((s) => course.includes(s)), source: 'course' };
}

/** Why `worker` may not grade under `policy` (of course `courseId`, when it is a course's), or null when it may. */
export function policyRefusal(worker: WorkerIdentity, policy: GradingPolicy, courseId?: string): string | null {
  const sandbox = worker.sandbox;
  const names = policy.officialSandboxes;
  const whose = policy.source === 'course' && courseId ? `course ${courseId}'s` : `${policy.source}'s`;
  const rule =
    names.length === 0
      ? `this hub records no official grades${courseId ? ` for course ${courseId}` : ''}: the ${whose} grading policy and the deployment's name no sandbox in common`
      : `this hub records official grades${courseId && policy.source === 'course' ? ` for course ${courseId}` : ''} only from the sandbox${names.length > 1 ? 'es' : ''} ${list(names)} (the ${whose} grading policy)`;
  if (!policy.officialSandboxes.includes(sandbox.name)) {
    const what = sandbox.name === 'none' ? '`none`, which is not a sandbox (submissions would run with the worker\'s own rights)' : `\`${sandbox.name}\``;
    return `worker ${worker.workerId} grades in ${what}; ${rule}, so it gets no jobs`;
  }
  if (sandbox.name !== 'none' && !sandbox.isolating) {
    return `worker ${worker.workerId} says its sandbox is \`${sandbox.name}\` but that it does not isolate submissions; ${rule}, so it gets no jobs`;
  }
  return null;
}
