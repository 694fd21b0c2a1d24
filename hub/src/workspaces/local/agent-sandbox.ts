// How a workspace's agent is confined. With bubblewrap it sees the system's
// programs read-only, its own workspace read-write at /workspace, its own
// socket folder at /run/classpod, a private /tmp, and nothing of the data
// folder (so no other student's workspace); it runs as an unprivileged uid in
// its own user, PID, IPC and network namespaces (no network at all: the hub
// reaches it through a unix socket), from an execute-only copy of node so that
// the kernel marks it non-dumpable and a workspace process of the same uid
// cannot read its memory, environment or descriptors. Without bubblewrap it is
// a plain child process on loopback and the hub logs a warning.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';

/** `bubblewrap` or a plain process. */
export type IsolationKind = 'bubblewrap' | 'none';

/** Where things are, outside and inside the sandbox. */
export interface SandboxLayout {
  /** The workspace folder on the host. */
  workspaceDir: string;
  /** Host folder the agent creates its socket in (read-write inside, nothing else in it). */
  runDir: string;
  /** The hub's data folder: hidden inside the sandbox. */
  dataDir: string;
  /** Folders with the agent's code and its node_modules (read-only inside). */
  codeDirs: string[];
  /** Host path of an execute-only copy of node the agent runs from (bubblewrap). */
  nodeBinary?: string;
}

/** Paths the agent sees. */
export interface SandboxPaths {
  root: string;
  runDir: string;
  /** The node binary to start the agent with. */
  node: string;
}

/** Where the execute-only node binary appears inside the sandbox. */
const SANDBOX_NODE = '/opt/classpod/node';

/** Whether bubblewrap is installed and can create the namespaces it needs here (user, PID, network). */
export function bubblewrapWorks(): boolean {
  const r = spawnSync('bwrap', ['--unshare-user', '--unshare-pid', '--unshare-net', '--die-with-parent', '--ro-bind', '/', '/', '--uid', '1000', 'true'], {
    stdio: 'ignore',
    timeout: 10_000,
  });
  return r.status === 0;
}

/** Folders a Node program needs that are not under /usr (e.g. node installed in /opt). */
function nodeDirs(): string[] {
  const exec = resolve(process.execPath);
  return exec.startsWith('/usr/') ? [] : [dirname(dirname(exec))];
}

/** Files and folders of /etc programs need (names, certificates, compiler alternatives); never /etc/shadow. */
const ETC_ENTRIES = [
  '/etc/passwd',
  '/etc/group',
  '/etc/hosts',
  '/etc/resolv.conf',
  '/etc/nsswitch.conf',
  '/etc/localtime',
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/alternatives',
  '/etc/ssl',
  '/etc/ca-certificates',
  '/etc/python3',
  '/etc/python3.11',
];

/** The command line that runs `argv` confined for one workspace, and the paths the program sees. */
export function sandboxCommand(kind: IsolationKind, layout: SandboxLayout, argv: string[]): { command: string; args: string[]; paths: SandboxPaths } {
  if (kind === 'none') {
    return { command: argv[0]!, args: argv.slice(1), paths: { root: layout.workspaceDir, runDir: layout.runDir, node: process.execPath } };
  }
  const args = [
    '--die-with-parent',
    '--new-session',
    '--unshare-user',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    '--unshare-net',
    // Without this bwrap, started by root, still holds its capabilities when it executes the agent,
    // and the kernel would not mark the agent non-dumpable (it could read the execute-only node).
    '--cap-drop',
    'ALL',
    '--uid',
    '1000',
    '--gid',
    '1000',
    '--hostname',
    'classpod',
    '--ro-bind',
    '/usr',
    '/usr',
    '--symlink',
    'usr/lib',
    '/lib',
    '--symlink',
    'usr/lib64',
    '/lib64',
    '--symlink',
    'usr/bin',
    '/bin',
    '--symlink',
    'usr/sbin',
    '/sbin',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
  ];
  for (const e of ETC_ENTRIES) if (existsSync(e)) args.push('--ro-bind', e, e);
  for (const d of [...new Set([...layout.codeDirs, ...nodeDirs()])]) args.push('--ro-bind', d, d);
  // The data folder may lie inside a code folder (e.g. the repository): cover it.
  const data = resolve(layout.dataDir);
  if (layout.codeDirs.some((d) => data === resolve(d) || data.startsWith(resolve(d) + sep))) args.push('--tmpfs', data);
  args.push('--bind', layout.workspaceDir, '/workspace', '--bind', layout.runDir, '/run/classpod');
  if (layout.nodeBinary) args.push('--ro-bind', layout.nodeBinary, SANDBOX_NODE);
  args.push('--setenv', 'HOME', '/workspace', '--setenv', 'USER', 'student', '--chdir', '/workspace', '--', ...argv);
  return { command: 'bwrap', args, paths: { root: '/workspace', runDir: '/run/classpod', node: layout.nodeBinary ? SANDBOX_NODE : process.execPath } };
}
