// Who grades: the sandbox (its program's own version and a hash of the
// program, whether it uses control groups, whether runs are pinned to a core),
// the host (kernel, platform, CPU) and the toolchains, as a worker reports
// them at the hub's handshake and as every grade records them. A fake program
// called "isolate" and the real one differ here even when their names match.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import * as os from 'node:os';
import type { GradingLanguage, HostIdentity, SandboxIdentity, ToolchainIdentity, WorkerIdentity } from '@classpod/protocol';
import { LANGUAGES } from '../languages/languages';
import { findProgram, probeToolchain } from '../languages/toolchain-probe';
import type { Sandbox } from '../sandboxes/sandbox';
import { corePinningAvailable } from './core-pinning';
import { hashValue } from './hashes';

/** The search path toolchains are found on inside `local` and `isolate` boxes. */
export const BOX_SEARCH_PATH = '/usr/local/bin:/usr/bin:/bin';

/** The grader package's version. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const GRADER_VERSION: string = (require('../../../package.json') as { version: string }).version;

const sandboxIdentities = new WeakMap<Sandbox, Promise<SandboxIdentity>>();

/** Where a sandbox finds toolchains: `none` uses the grader's own PATH, the others the box's. */
export function toolchainSearchPath(sandbox: Pick<Sandbox, 'name'>): string {
  return sandbox.name === 'none' ? (process.env.PATH ?? '') : BOX_SEARCH_PATH;
}

/** The toolchain `language` has in `sandbox`. */
export function sandboxToolchain(sandbox: Pick<Sandbox, 'name'>, language: GradingLanguage): Promise<ToolchainIdentity> {
  return probeToolchain(language, toolchainSearchPath(sandbox));
}

/** What the plugins say about how they run: the isolate program, local's cgroup version and mode. */
interface PluginFacts {
  command?: string;
  cgroups?: { version?: string } | null;
  rootless?: boolean;
}

/** The identity of `sandbox`, probed once per sandbox object. */
export function sandboxIdentity(sandbox: Sandbox): Promise<SandboxIdentity> {
  let p = sandboxIdentities.get(sandbox);
  if (!p) {
    p = probeSandbox(sandbox);
    sandboxIdentities.set(sandbox, p);
  }
  return p;
}

async function probeSandbox(sandbox: Sandbox): Promise<SandboxIdentity> {
  const facts = sandbox as Sandbox & PluginFacts;
  const pinsCores = corePinningAvailable(sandbox);
  if (sandbox.name === 'none') {
    const version = `none (Node ${process.version})`;
    return { name: 'none', version, hash: hashValue({ name: 'none', version }), cgroups: false, isolating: false, pinsCores };
  }
  if (sandbox.name === 'isolate') {
    // isolate decides whether it can use cgroups at its first box: open one so the answer is known.
    const box = await sandbox.openBox();
    await box.dispose();
  }
  const program = sandbox.name === 'isolate' ? (facts.command ?? 'isolate') : 'bwrap';
  const found = findProgram(program, process.env.PATH ?? BOX_SEARCH_PATH);
  const probe = spawnSync(found ?? program, ['--version'], { encoding: 'utf8', timeout: 10000 });
  const output = `${probe.stdout ?? ''}${probe.stderr ?? ''}`;
  const version = output.split('\n').find((l) => l.trim())?.trim() ?? '';
  let programHash = 'missing';
  if (found) {
    try {
      programHash = `sha256:${createHash('sha256').update(readFileSync(realpathSync(found))).digest('hex')}`;
    } catch {
      programHash = 'unreadable';
    }
  }
  const cgroups = sandbox.usesCgroups === true;
  return {
    name: sandbox.name,
    version: version.slice(0, 500),
    // How runs are confined changes verdicts (memory limits, process counts): part of the identity.
    hash: hashValue({ name: sandbox.name, versionOutput: output, program: programHash, cgroups, cgroupVersion: facts.cgroups?.version ?? null, rootless: facts.rootless ?? null }),
    cgroups,
    isolating: sandbox.isolating,
    pinsCores,
  };
}

/** The machine this grader runs on. */
export function hostIdentity(): HostIdentity {
  const cpus = os.cpus();
  let kernel = os.release();
  try {
    kernel = `${os.release()} ${os.version()}`;
  } catch {
    // os.version is missing on old Node builds
  }
  return {
    kernel: kernel.slice(0, 300),
    platform: `${process.platform}-${process.arch}`,
    cpu: (cpus[0]?.model ?? 'unknown').trim().slice(0, 200),
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
  };
}

/** Everything a worker states about itself at the handshake. */
export async function workerIdentity(sandbox: Sandbox, workerId: string, languages: readonly GradingLanguage[] = Object.keys(LANGUAGES) as GradingLanguage[]): Promise<WorkerIdentity> {
  const toolchains = await Promise.all(languages.map((l) => sandboxToolchain(sandbox, l)));
  return { workerId, graderVersion: GRADER_VERSION, sandbox: await sandboxIdentity(sandbox), host: hostIdentity(), toolchains };
}
