import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { classifyRun, compareOutput, gradeSubmission, loadSpec } from '../../src';
import { IsolateSandbox, isolateRunArgs } from '../../src/sandboxes/isolate-sandbox';
import { DEMO_ASSIGNMENTS, useTempDirs } from '../temp-dir';
import { FIXTURES_ROOT, isolateFixtures } from './isolate-fixtures';
import { skipBecause } from '@classpod/test-support';

describe('isolate sandbox', () => {
  const tmp = useTempDirs();

  /** A fake isolate command in a fresh folder; returns it and its argument log. */
  function fakeIsolate(noCg: boolean, fixtures = path.join(FIXTURES_ROOT, 'isolate-2.6')): { command: string; calls: () => string[][] } {
    const dir = tmp.dir();
    const log = path.join(dir, 'calls.log');
    writeFileSync(log, '');
    const command = path.join(dir, 'isolate');
    writeFileSync(
      command,
      [
        '#!/bin/sh',
        `FAKE_ISOLATE_ROOT='${path.join(dir, 'boxes')}' FAKE_ISOLATE_LOG='${log}' FAKE_ISOLATE_FIXTURES='${fixtures}' FAKE_ISOLATE_NO_CG='${noCg ? 1 : 0}' \\`,
        `  exec '${process.execPath}' '${path.join(__dirname, 'fake-isolate.js')}' "$@"`,
        '',
      ].join('\n'),
    );
    chmodSync(command, 0o755);
    return {
      command,
      calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]),
    };
  }

  describe('driving the command line (a stand-in isolate replays the recorded runs)', () => {
    for (const fixture of isolateFixtures()) {
      it(`gives ${fixture.verdict} for the recorded ${fixture.set}/${fixture.name} run`, async () => {
        const fake = fakeIsolate(!fixture.controlGroups, fixture.dir);
        const sandbox = new IsolateSandbox({ command: fake.command, poolSize: 2 });
        const box = await sandbox.openBox();
        try {
          const outcome = await box.run({ argv: [`./${fixture.name}`], stdin: fixture.stdin, limits: fixture.limits, addressSpaceLimit: true });
          assert.equal(sandbox.usesCgroups, fixture.controlGroups);
          assert.equal(outcome.memoryLimit, fixture.controlGroups ? 'cgroup' : 'address-space');
          const c = classifyRun(outcome, fixture.limits);
          const verdict = c.verdict ?? (compareOutput(fixture.expectedStdout, outcome.stdout.toString(), { mode: 'exact' }).accepted ? 'AC' : 'WA');
          assert.equal(verdict, fixture.verdict, c.message);
        } finally {
          await box.dispose();
          await sandbox.dispose();
        }
      });
    }

    it('falls back from --cg to --mem when the machine has no delegated cgroups, and passes every limit', async () => {
      const fake = fakeIsolate(true);
      const sandbox = new IsolateSandbox({ command: fake.command, dirs: ['/usr/lib', '/nonexistent-toolchain'] });
      const box = await sandbox.openBox();
      await box.run({ argv: ['./ok'], stdin: '2 3', limits: { timeMs: 1500, wallMs: 3000, memoryKb: 65536, processes: 4, outputKb: 64, fileSizeKb: 2048 }, addressSpaceLimit: true });
      await box.dispose();
      assert.equal(sandbox.usesCgroups, false);
      const run = fake.calls().find((c) => c.includes('--run'))!;
      for (const expected of ['--time=1.5', '--wall-time=3', '--mem=65536', '--processes=4', '--fsize=2048', '--dir=/usr/lib', '--stdin=.classpod-stdin']) {
        assert.ok(run.includes(expected), `${expected} missing from ${run.join(' ')}`);
      }
      assert.ok(!run.includes('--cg'));
      assert.ok(!run.some((a) => a.includes('nonexistent')));
      assert.ok(run.some((a) => a.startsWith('--meta=')));
      assert.ok(fake.calls().some((c) => c.includes('--cleanup') && c.includes(run[0]!)), 'the box was cleaned up');
    });

    it('uses --cg and --cg-mem where isolate accepts them', async () => {
      const fake = fakeIsolate(false);
      const sandbox = new IsolateSandbox({ command: fake.command });
      const box = await sandbox.openBox();
      await box.run({ argv: ['./ok'], stdin: '2 3', limits: { timeMs: 1000, wallMs: 2000, memoryKb: 32768, processes: 1, outputKb: 64, fileSizeKb: 64 }, addressSpaceLimit: true });
      await box.dispose();
      assert.equal(sandbox.usesCgroups, true);
      const run = fake.calls().find((c) => c.includes('--run'))!;
      assert.ok(run.includes('--cg') && run.includes('--cg-mem=32768'), run.join(' '));
      assert.ok(!run.some((a) => a.startsWith('--mem=')));
    });

    it('cleans a left-over box in both control-group modes before first use, and says why it runs without them', async () => {
      const fake = fakeIsolate(true);
      const sandbox = new IsolateSandbox({ command: fake.command, poolSize: 1, firstBoxId: 7 });
      const box = await sandbox.openBox();
      await box.dispose();
      const cleanups = fake.calls().filter((c) => c.includes('--cleanup') && c.includes('--box-id=7'));
      assert.ok(cleanups.some((c) => c.includes('--cg')) && cleanups.some((c) => !c.includes('--cg')), JSON.stringify(cleanups));
      assert.match(sandbox.description, /memory limited as address space \(Control group root .* does not exist\)/);
    });

    it('hands out distinct box ids and waits when the pool is empty', async () => {
      const fake = fakeIsolate(true);
      const sandbox = new IsolateSandbox({ command: fake.command, poolSize: 2, firstBoxId: 10 });
      const a = await sandbox.openBox();
      const b = await sandbox.openBox();
      let thirdOpened = false;
      const third = sandbox.openBox().then((box) => ((thirdOpened = true), box));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(thirdOpened, false);
      assert.notEqual(a.dir, b.dir);
      await a.dispose();
      const c = await third;
      assert.equal(c.dir, a.dir);
      await b.dispose();
      await c.dispose();
      const ids = new Set(fake.calls().filter((x) => x.includes('--init')).map((x) => x[0]));
      assert.deepEqual([...ids].sort(), ['--box-id=10', '--box-id=11']);
    });

    it('grades the demo C solution end to end through the command line', async function () {
      this.timeout(60000);
      const fake = fakeIsolate(true);
      const spec = loadSpec(path.join(DEMO_ASSIGNMENTS, 'c-sum', 'grading', 'spec.yaml'));
      const sandbox = new IsolateSandbox({ command: fake.command });
      const result = await gradeSubmission(spec, path.join(DEMO_ASSIGNMENTS, 'c-sum', 'solution'), { sandbox });
      await sandbox.dispose();
      assert.equal(result.sandbox, 'isolate');
      assert.deepEqual(result.tests.map((t) => t.verdict), result.tests.map(() => 'AC'));
      assert.equal(result.score, 100);
    });

    it('resolves program names to the paths the box sees', () => {
      const args = isolateRunArgs(3, false, '/tmp/m', { argv: ['python3', 'main.py'], stdin: '', limits: { timeMs: 1000, wallMs: 2000, memoryKb: 1024, processes: 1, outputKb: 1, fileSizeKb: 1 }, addressSpaceLimit: true }, []);
      const program = args[args.indexOf('--') + 1]!;
      assert.ok(path.isAbsolute(program) && program.endsWith('/python3'), program);
    });
  });

  describe('a real isolate', () => {
    const real = spawnSync('isolate', ['--version']);
    before(function () {
      if (real.error) {
        if (process.env.CLASSPOD_REQUIRE_ISOLATE) throw new Error('isolate is required here but not installed');
        skipBecause(this, 'isolate is not installed here (it runs on grader VMs); the stand-in above covers the plugin');
      }
    });

    for (const fixture of isolateFixtures().filter((f) => existsSync(path.join(f.dir, `${f.name}.c`)))) {
      const name = fixture.name;
      it(`gives the fixture verdict for ${fixture.set}/${name}.c`, async function () {
        this.timeout(30000);
        const dir = tmp.dir();
        const binary = path.join(dir, name);
        const cc = spawnSync('gcc', ['-O2', '-static', '-o', binary, path.join(fixture.dir, `${name}.c`)]);
        assert.equal(cc.status, 0, cc.stderr?.toString());
        const sandbox = new IsolateSandbox({ poolSize: 1, firstBoxId: 90, cg: fixture.controlGroups });
        const box = await sandbox.openBox();
        try {
          writeFileSync(path.join(box.dir, name), readFileSync(binary), { mode: 0o755 });
          const outcome = await box.run({ argv: [`./${name}`], stdin: fixture.stdin, limits: fixture.limits, addressSpaceLimit: true });
          const c = classifyRun(outcome, fixture.limits);
          const verdict = c.verdict ?? (compareOutput(fixture.expectedStdout, outcome.stdout.toString(), { mode: 'exact' }).accepted ? 'AC' : 'WA');
          assert.equal(verdict, fixture.verdict, c.message);
        } finally {
          await box.dispose();
          await sandbox.dispose();
        }
        assert.ok(!existsSync(box.dir), 'isolate --cleanup removed the box');
      });
    }
  });
});
