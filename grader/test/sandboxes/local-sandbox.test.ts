// The `local` sandbox's control groups, on whatever this machine has (cgroup
// v1 here, v2 in the grader VM): a program gets exactly its process limit
// and the run says when it reached it; memory is limited by a group and
// measured; where no group limits memory, the result says so.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { GradingLimits } from '@classpod/protocol';
import { classifyRun } from '../../src';
import { LocalSandbox } from '../../src/sandboxes/local-sandbox';
import { requireLocalSandbox } from '../sandbox-availability';
import { useTempDirs } from '../temp-dir';
import { skipBecause } from '@classpod/test-support';

const FORKS = `#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int want = atoi(argv[1]), ok = 0;
  for (int i = 0; i < want; i++) { pid_t p = fork(); if (p == 0) { pause(); _exit(0); } if (p > 0) ok++; }
  printf("%d\\n", ok);
  return 0;
}
`;

const TOUCH = `#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) { size_t mb = (size_t)atoi(argv[1]); char *p = malloc(mb << 20); if (!p) return 3; memset(p, 1, mb << 20); return p[mb] - 1; }
`;

const limits = (o: Partial<GradingLimits> = {}): GradingLimits => ({
  timeMs: 2000, wallMs: 5000, memoryKb: 64 * 1024, processes: 4, outputKb: 64, fileSizeKb: 1024, ...o,
});

describe('local sandbox: control groups', function () {
  this.timeout(60000);
  const tmp = useTempDirs();
  let sandbox: LocalSandbox;
  let programs: string;

  before(function () {
    requireLocalSandbox(this);
    const uidBase = Number(process.env.CLASSPOD_TEST_UID_BASE) || undefined;
    sandbox = new LocalSandbox(uidBase ? { uidBase } : {});
  });
  after(async () => sandbox?.dispose());

  beforeEach(() => {
    programs = tmp.dir();
    for (const [name, source] of [['forks', FORKS], ['touch', TOUCH]] as const) {
      writeFileSync(path.join(programs, `${name}.c`), source);
      const cc = spawnSync('gcc', ['-O2', '-o', path.join(programs, name), path.join(programs, `${name}.c`)], { encoding: 'utf8' });
      assert.equal(cc.status, 0, cc.stderr);
    }
  });

  async function run(program: 'forks' | 'touch', arg: number, l: GradingLimits, addressSpaceLimit = true) {
    const box = await sandbox.openBox();
    try {
      writeFileSync(path.join(box.dir, program), spawnSync('cat', [path.join(programs, program)]).stdout, { mode: 0o755 });
      return await box.run({ argv: [`./${program}`, String(arg)], stdin: '', limits: l, addressSpaceLimit });
    } finally {
      await box.dispose();
    }
  }

  it('runs in a group of its own where root can make one, and names it', () => {
    if (process.getuid?.() !== 0) return;
    assert.ok(sandbox.cgroups, `no control group: ${sandbox.cgroupProblems.join('; ')}`);
    assert.match(sandbox.description, new RegExp(`cgroup ${sandbox.cgroups.version}`));
  });

  it('lets a program run exactly its process limit, and says when a fork was refused', async () => {
    const within = await run('forks', 3, limits({ processes: 4 }));
    assert.equal(within.stdout.toString(), '3\n', within.stderr.toString());
    if (sandbox.cgroups) assert.equal(within.processLimitReached, false);
    const over = await run('forks', 5, limits({ processes: 4 }));
    assert.equal(over.stdout.toString(), '3\n', over.stderr.toString());
    assert.equal(over.exitCode, 0);
    assert.equal(over.processLimitReached, sandbox.cgroups ? true : null);
    assert.equal(classifyRun(over, limits({ processes: 4 })).verdict, null, 'a program that copes with a refused fork is not charged');
  });

  it('limits memory by the group: the OOM killer ends a program that touches too much, and its own memory is measured', async function () {
    if (!sandbox.cgroups) skipBecause(this, 'no memory group on this machine: the next test covers it');
    const small = await run('touch', 8, limits());
    assert.equal(small.exitCode, 0, small.stderr.toString());
    assert.equal(small.memoryLimit, 'cgroup');
    assert.ok(small.memoryKb >= 8 * 1024 && small.memoryKb < 32 * 1024, `measured ${small.memoryKb} KiB`);
    const big = await run('touch', 200, limits());
    assert.equal(big.limitHit, 'memory');
    const c = classifyRun(big, limits());
    assert.equal(c.verdict, 'MLE', c.message);
    // Without an address-space limit too: the group, not an rlimit, is what stops it (JVM, V8).
    assert.equal(classifyRun(await run('touch', 200, limits(), false), limits()).verdict, 'MLE');
  });

  it('says so in the result where no group limits memory', async () => {
    const plain = new LocalSandbox({ cgroups: false, ...(Number(process.env.CLASSPOD_TEST_UID_BASE) ? { uidBase: Number(process.env.CLASSPOD_TEST_UID_BASE) + 32 } : {}) });
    try {
      assert.match(plain.description, /memory not limited by a group/);
      const box = await plain.openBox();
      try {
        writeFileSync(path.join(box.dir, 'touch'), spawnSync('cat', [path.join(programs, 'touch')]).stdout, { mode: 0o755 });
        const asLimit = await box.run({ argv: ['./touch', '8'], stdin: '', limits: limits(), addressSpaceLimit: true });
        assert.equal(asLimit.memoryLimit, 'address-space');
        assert.equal(asLimit.processLimitReached, null);
        assert.match(classifyRun(asLimit, limits()).note ?? '', /address space only/);
        const none = await box.run({ argv: ['./touch', '8'], stdin: '', limits: limits(), addressSpaceLimit: false });
        assert.equal(classifyRun(none, limits()).note, 'memory not limited on this machine');
        assert.ok(none.memoryKb >= 8 * 1024, 'memory is still measured');
      } finally {
        await box.dispose();
      }
    } finally {
      await plain.dispose();
    }
  });
});
