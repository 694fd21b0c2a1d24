// The command line of one `local` run: [join the run's groups] →
// bubblewrap (new pid, network, IPC and UTS namespaces, and without root a
// user namespace too) → GNU time → prlimit → [root: setpriv to the box's own
// uid, no capabilities, no new privileges] → the program. Without root the
// program runs as this process's uid in its user namespace, where bubblewrap
// already leaves it no capabilities and no_new_privs.
// Also how many of the sandbox's own tasks share the run's group and uid,
// so that the program gets exactly its process limit.

import { existsSync } from 'node:fs';
import type { RunRequest } from './sandbox';
import { GNU_TIME_FORMAT } from './gnu-time';

/** The tools, with defaults. */
export interface LocalTools {
  bwrap?: string;
  time?: string;
  prlimit?: string;
  setpriv?: string;
}

/** Everything a run's command line depends on. */
export interface LocalRunPlan {
  rootless: boolean;
  /** Host folder bound at /box. */
  boxDir: string;
  /** Host folder bound at /.classpod, where GNU time writes its report. */
  metaDir: string;
  /** Root mode: the box's uid. */
  uid: number;
  /** Whether a memory group limits the run (else an address-space limit, where the language allows one). */
  memoryGroup: boolean;
  /** Whether a pids group counts the run's tasks (then it, not RLIMIT_NPROC, refuses the first fork too many). */
  pidsGroup: boolean;
  readOnlyPaths: readonly string[];
}

const SANDBOX_PATH = '/usr/local/bin:/usr/bin:/bin';

/** The sandbox's own tasks in the run's group: bubblewrap, its pid-1 init and GNU time. */
export const SANDBOX_TASKS = 3;

/** Of those, how many count against the program's RLIMIT_NPROC (same uid in the same user namespace). */
export function sandboxTasksInUid(rootless: boolean): number {
  // Root: the program alone runs as the box's uid. Rootless: bubblewrap's init and GNU time share its namespace and uid.
  return rootless ? 2 : 0;
}

/** The argument vector of a run (without the group-joining prefix). */
export function localCommandLine(req: RunRequest, plan: LocalRunPlan, tools: LocalTools = {}): string[] {
  const l = req.limits;
  const cpuSoft = Math.ceil(l.timeMs / 1000) + 1;
  // The stack stays below the memory limit, so a runaway recursion is a clean SIGSEGV, not an OOM kill.
  const stackKb = Math.min(Math.floor(l.memoryKb / 2), 64 * 1024);
  // With a pids group, the group refuses the first fork too many (and counts it); RLIMIT_NPROC stays one above, as a backstop.
  const nproc = l.processes + sandboxTasksInUid(plan.rootless) + (plan.pidsGroup ? 1 : 0);
  const rlimits = [
    `--cpu=${cpuSoft}:${cpuSoft + 1}`,
    `--nproc=${nproc}`,
    `--fsize=${l.fileSizeKb * 1024}`,
    `--stack=${stackKb * 1024}`,
    '--core=0',
    '--nofile=256',
  ];
  // Without a memory group the limit can only be an address-space limit.
  if (!plan.memoryGroup && req.addressSpaceLimit) rlimits.push(`--as=${l.memoryKb * 1024}`);
  const bind: string[] = [];
  for (const p of plan.readOnlyPaths) if (existsSync(p)) bind.push('--ro-bind', p, p);
  const env: string[] = ['PATH', SANDBOX_PATH, 'HOME', '/box', 'TMPDIR', '/tmp', 'LANG', 'C.UTF-8'];
  for (const [k, v] of Object.entries(req.env ?? {})) env.push(k, v);
  const time = [tools.time ?? '/usr/bin/time', '-o', '/.classpod/time', '-f', GNU_TIME_FORMAT];
  const bwrap = [
    tools.bwrap ?? 'bwrap',
    ...(plan.rootless ? ['--unshare-user'] : []),
    '--unshare-ipc', '--unshare-pid', '--unshare-net', '--unshare-uts', '--unshare-cgroup-try',
    '--die-with-parent', '--new-session',
    // /etc holds only what toolchains read; it must be traversable by the box's uid.
    '--perms', '0755', '--dir', '/etc',
    ...bind,
    '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64',
    '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/sbin', '/sbin',
    '--proc', '/proc', '--dev', '/dev',
    '--perms', '1777', '--size', String(l.fileSizeKb * 1024), '--tmpfs', '/tmp',
    '--bind', plan.boxDir, '/box', '--bind', plan.metaDir, '/.classpod',
    '--chdir', '/box', '--clearenv', ...pairs('--setenv', env), '--hostname', 'classpod-box',
    '--',
  ];
  const prlimit = [tools.prlimit ?? '/usr/bin/prlimit', ...rlimits];
  if (plan.rootless) return [...bwrap, ...time, ...prlimit, ...req.argv];
  const setpriv = [
    tools.setpriv ?? '/usr/bin/setpriv', `--reuid=${plan.uid}`, `--regid=${plan.uid}`, '--clear-groups',
    '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--',
  ];
  return [...bwrap, ...time, ...prlimit, ...setpriv, ...req.argv];
}

/** A shell prefix that puts itself into the run's groups, then becomes the rest of the command line. */
export function joinCgroupsPrefix(procsFiles: readonly string[]): string[] {
  const script = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"';
  return ['/bin/sh', '-c', script, 'classpod-cgroup', String(procsFiles.length), ...procsFiles];
}

function pairs(flag: string, kv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < kv.length; i += 2) out.push(flag, kv[i]!, kv[i + 1]!);
  return out;
}
