// `local` without root, as in a student's workspace (uid 1000): the test, as
// root, runs rootless-grade.js as an unprivileged uid, (a) as it is, where
// no control group is delegated to that uid — the results must then say that
// memory is not limited by a group — and (b) on a cgroup v2 machine, inside
// a group delegated to that uid the way systemd's `Delegate=yes` or a pod's
// cgroup namespace does (the group and its cgroup.procs, cgroup.threads and
// cgroup.subtree_control owned by the uid): memory is then limited and
// measured. In both, the program gets exactly its process limit and cannot
// reach a process of the same uid outside the sandbox.

import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { GradingLimits } from '@classpod/protocol';
import { findCgroup2Mount } from '../../src/sandboxes/cgroup-v2';
import { requireLocalSandbox } from '../sandbox-availability';
import type { RootlessJob } from './rootless-grade';
import { skipBecause, skipWithoutTool } from '@classpod/test-support';
import { TIME_SCALE } from '../time-scale';

const UID = Number(process.env.CLASSPOD_TEST_ROOTLESS_UID) || 1000;
const HEAD = '#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\n#include <signal.h>\n';

const limits: GradingLimits = { timeMs: 2000 * TIME_SCALE, wallMs: 10000 * TIME_SCALE, memoryKb: 64 * 1024, processes: 4, outputKb: 64, fileSizeKb: 1024 };

/** The programs; `canary` is the pid of a process of the same uid outside the sandbox. */
const job = (canary: number): RootlessJob => ({
  limits,
  programs: {
    touch: {
      stdout: 'ok\n',
      args: ['8'],
      source: HEAD + 'int main(int argc, char **argv){ size_t n = (size_t)atoi(argv[1]) << 20; char *p = malloc(n); memset(p, 1, n); puts(p[n - 1] == 1 ? "ok" : "no"); return 0; }\n',
    },
    forks: {
      stdout: '3\n',
      source: HEAD + 'int main(void){ int ok = 0; for (int i = 0; i < 5; i++) { int p = fork(); if (p == 0) { pause(); _exit(0); } if (p > 0) ok++; } printf("%d\\n", ok); return 0; }\n',
    },
    'kill-outside': {
      // A process of the same uid outside the sandbox is not even visible from its pid namespace.
      stdout: 'blocked\n',
      args: [String(canary)],
      source: HEAD + 'int main(int argc, char **argv){ puts(kill(atoi(argv[1]), SIGKILL) == 0 ? "KILLED" : "blocked"); return 0; }\n',
    },
    hog: { stdout: '', source: HEAD + 'int main(void){ for (;;) { char *p = malloc(1 << 20); if (!p) return 3; memset(p, 7, 1 << 20); } }\n' },
  },
});

interface RootlessReport {
  uid: number;
  rootless: boolean;
  description: string;
  cgroups: { version: string; where: string } | null;
  cgroupProblems: string[];
  results: Record<string, { verdict: string; message: string; memoryKb: number }>;
}

/** Run rootless-grade.js as UID (first joining `procsFile`'s group when given), with a canary process of UID outside. */
async function gradeAsUser(procsFile?: string): Promise<RootlessReport> {
  const canary = spawn('setpriv', [`--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', 'sleep', '600'], { stdio: 'ignore' });
  try {
    const report = await runAsUser(procsFile, canary.pid!);
    assert.equal(canary.exitCode ?? canary.signalCode, null, 'the canary outside the sandbox is alive');
    return report;
  } finally {
    canary.kill('SIGKILL');
  }
}

function runAsUser(procsFile: string | undefined, canary: number): Promise<RootlessReport> {
  const script = path.join(__dirname, 'rootless-grade.js');
  const asUser = ['setpriv', `--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', process.execPath, script];
  const argv = procsFile ? ['/bin/sh', '-c', 'echo $$ > "$1" || exit 125; shift; exec "$@"', 'join', procsFile, ...asUser] : asUser;
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.end(JSON.stringify(job(canary)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`rootless-grade exited ${code}: ${err}`));
      resolve(JSON.parse(out) as RootlessReport);
    });
  });
}

/** Kill what is left in a group tree and remove it, leaves first. */
function removeGroupTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    const sub = path.join(dir, entry);
    if (statSync(sub).isDirectory()) removeGroupTree(sub);
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    for (const pid of readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone
      }
    }
    try {
      rmdirSync(dir);
      return;
    } catch {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

describe('local sandbox without root (a workspace uid)', function () {
  this.timeout(300_000 * TIME_SCALE);

  before(function () {
    requireLocalSandbox(this);
    if (process.getuid?.() !== 0) skipWithoutTool(this, `the test needs root to run a child as uid ${UID}`);
  });

  function assertContained(r: RootlessReport): void {
    assert.equal(r.rootless, true);
    assert.equal(r.uid, UID);
    assert.equal(r.results.touch!.verdict, 'AC', r.results.touch!.message);
    assert.ok(r.results.touch!.memoryKb >= 8 * 1024, `memory measured: ${r.results.touch!.memoryKb} KiB`);
    assert.equal(r.results.forks!.verdict, 'AC', `exactly 4 processes: ${r.results.forks!.message}`);
    assert.equal(r.results['kill-outside']!.verdict, 'AC', r.results['kill-outside']!.message);
  }

  it('runs where no group is delegated, and every result says memory is not limited by a group', async () => {
    const r = await gradeAsUser();
    assertContained(r);
    if (r.cgroups) return; // this uid's own group is delegated here after all: the next test's case
    assert.match(r.description, /no control group/);
    for (const [name, t] of Object.entries(r.results)) {
      assert.match(t.message, /memory limited as address space only|memory not limited on this machine/, `${name}: ${t.message}`);
    }
  });

  it('limits and measures memory in a cgroup v2 group delegated to the uid', async function () {
    const mount = findCgroup2Mount(readFileSync('/proc/self/mountinfo', 'utf8'));
    const top = mount?.mountPoint;
    const offered = top ? readFileSync(path.join(top, 'cgroup.subtree_control'), 'utf8') : '';
    if (!top || !/\bmemory\b/.test(offered) || !/\bpids\b/.test(offered)) {
      skipBecause(this, `this machine's cgroup v2 hierarchy does not delegate memory and pids${top ? ` (${top} offers: ${offered.trim() || 'nothing'})` : ''}; the grader VM runs it`);
    }
    const delegated = path.join(top, `classpod-rootless-test-${process.pid}`);
    mkdirSync(delegated);
    try {
      for (const f of ['', 'cgroup.procs', 'cgroup.threads', 'cgroup.subtree_control']) chownSync(path.join(delegated, f), UID, UID);
      const r = await gradeAsUser(path.join(delegated, 'cgroup.procs'));
      assert.deepEqual(r.cgroups, { version: 'v2', where: path.join(delegated, 'classpod-runs') }, r.cgroupProblems.join('; '));
      assertContained(r);
      assert.doesNotMatch(r.results.touch!.message, /not limited|address space/);
      assert.equal(r.results.hog!.verdict, 'MLE', r.results.hog!.message);
      assert.ok(existsSync(path.join(delegated, 'leaf')), 'the uid moved itself into a leaf to delegate the controllers');
    } finally {
      removeGroupTree(delegated);
    }
  });
});
