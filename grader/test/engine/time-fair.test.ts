// Time-fair verdicts: a run whose time lies within 10 % of its limit, on
// either side, is run again (up to the configured count), the run with the
// median time decides, and the record keeps every run. The policy is checked
// against a sandbox that reports scripted times (the sandbox interface is the
// plugin boundary; real sandboxes cannot be made to take 990 ms on demand),
// and core pinning against real sandboxes: the program itself reports how
// many cores it may run on.

import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BuildCache, createSandbox, gradeSubmission, parseSpec, type GradingSpec, type Sandbox } from '../../src';
import type { Box, RunOutcome, RunRequest } from '../../src/sandboxes/sandbox';
import { allowedCores } from '../../src/engine/core-pinning';
import { requireLocalSandbox } from '../sandbox-availability';
import { useTempDirs } from '../temp-dir';
import { skipBecause } from '@classpod/test-support';

/** A sandbox whose runs take the times it is given, in order, and print "ok". */
class ScriptedSandbox implements Sandbox {
  readonly name = 'none' as const;
  readonly isolating = false;
  readonly description = 'scripted times';
  readonly argvs: string[][] = [];
  constructor(
    private readonly times: number[],
    private readonly dir: string,
  ) {}
  async openBox(): Promise<Box> {
    const dir = path.join(this.dir, `box-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    return {
      dir,
      run: async (req: RunRequest): Promise<RunOutcome> => {
        this.argvs.push([...req.argv]);
        const t = this.times.shift();
        if (t === undefined) throw new Error('more runs than scripted');
        return { exitCode: 0, signal: null, limitHit: null, systemError: null, timeMs: t, cpuMeasured: true, wallMs: t + 3, memoryKb: 1000, memoryLimit: 'cgroup', processLimitReached: null, stdout: Buffer.from('ok\n'), stderr: Buffer.alloc(0) };
      },
      dispose: async () => undefined,
    };
  }
  async dispose(): Promise<void> {}
}

const SPEC = (dir: string): GradingSpec =>
  parseSpec(['language: c', 'sources: [main.c]', 'build: []', 'run: [./main]', 'limits: { timeMs: 1000, wallMs: 5000 }', 'tests:', '  - { name: t, stdin: "", stdout: "ok\\n" }', ''].join('\n'), {
    file: 'spec.yaml',
    baseDir: dir,
  });

describe('time-fair verdicts', function () {
  this.timeout(60000);
  const tmp = useTempDirs();

  async function grade(times: number[], maxRuns?: number) {
    const dir = tmp.dir();
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'main.c'), '');
    const sandbox = new ScriptedSandbox(times, dir);
    const result = await gradeSubmission(SPEC(dir), path.join(dir, 'sub'), {
      sandbox,
      buildCache: new BuildCache(path.join(dir, 'cache')),
      ...(maxRuns ? { timing: { maxRuns } } : {}),
    });
    return { result, record: result.provenance!.tests[0]!, sandbox };
  }

  it('runs a fast program once', async () => {
    const { result, record } = await grade([400]);
    assert.equal(result.tests[0]!.verdict, 'AC');
    assert.deepEqual(record.runs.map((r) => r.timeMs), [400]);
    assert.equal(record.decidingRun, 0);
  });

  it('repeats a run just under the limit; the median run decides and every run is kept', async () => {
    const { result, record } = await grade([980, 1030, 1010]);
    assert.deepEqual(record.runs.map((r) => [r.timeMs, r.verdict]), [
      [980, 'AC'],
      [1030, 'TLE'],
      [1010, 'TLE'],
    ]);
    assert.equal(record.decidingRun, 2, 'the median time (1010 ms) decides');
    assert.equal(result.tests[0]!.verdict, 'TLE');
    assert.equal(result.tests[0]!.timeMs, 1010);
  });

  it('repeats a run just over the limit, and an accepted median wins', async () => {
    const { result, record } = await grade([1050, 990, 970]);
    assert.equal(record.runs.length, 3);
    assert.equal(record.decidingRun, 1);
    assert.equal(result.tests[0]!.verdict, 'AC');
    assert.equal(result.score, result.maxScore);
  });

  it('does not repeat a run clearly over the limit, and honours the configured count', async () => {
    assert.equal((await grade([1500])).record.runs.length, 1);
    const five = await grade([1000, 1001, 999, 1002, 998], 5);
    assert.equal(five.record.runs.length, 5);
    assert.equal(five.record.runs[five.record.decidingRun!]!.timeMs, 1000);
    assert.equal(five.result.provenance!.timing.maxRuns, 5);
  });

  it('pins each run to one core with taskset where the platform has it', async function () {
    if (process.platform !== 'linux') skipBecause(this, 'taskset is Linux only');
    const { record, sandbox } = await grade([980, 1030, 1010]);
    for (const [i, argv] of sandbox.argvs.entries()) {
      assert.deepEqual(argv.slice(0, 2), ['/usr/bin/taskset', '--cpu-list']);
      assert.equal(Number(argv[2]), record.runs[i]!.cpu);
      assert.deepEqual(argv.slice(3), ['./main']);
    }
  });

  for (const name of ['none', 'local'] as const) {
    it(`a program graded under ${name} may use exactly one core, and all of them with --no-pin`, async function () {
      if (process.platform !== 'linux') skipBecause(this, 'core pinning is Linux only');
      if (name === 'local') requireLocalSandbox(this);
      const cores = allowedCores().length;
      if (cores < 2) skipBecause(this, `this machine has ${cores} core; pinning cannot be told apart`);
      const dir = tmp.dir();
      mkdirSync(path.join(dir, 'sub'));
      writeFileSync(path.join(dir, 'sub', 'main.py'), 'import os\nprint(len(os.sched_getaffinity(0)))\n');
      const spec = parseSpec(['language: python', 'sources: [main.py]', 'tests:', `  - { name: cores, public: true, stdin: "", stdout: "1\\n" }`, ''].join('\n'), { file: 's.yaml', baseDir: dir });
      const sandbox = createSandbox(name, { tmpDir: os.tmpdir() });
      try {
        const pinned = await gradeSubmission(spec, path.join(dir, 'sub'), { sandbox, buildCache: new BuildCache(path.join(dir, 'cache')) });
        assert.equal(pinned.tests[0]!.verdict, 'AC', pinned.tests[0]!.message + (pinned.tests[0]!.diff ? `\n${JSON.stringify(pinned.tests[0]!.diff)}` : ''));
        assert.equal(pinned.provenance!.sandbox.pinsCores, true);
        assert.equal(typeof pinned.provenance!.tests[0]!.runs[0]!.cpu, 'number');
        const free = await gradeSubmission(spec, path.join(dir, 'sub'), { sandbox, pinCores: false, buildCache: new BuildCache(path.join(dir, 'cache')) });
        assert.equal(free.tests[0]!.verdict, 'WA', `unpinned, the program saw: ${free.tests[0]!.message}`);
        assert.equal(free.provenance!.sandbox.pinsCores, false);
        assert.equal(free.provenance!.tests[0]!.runs[0]!.cpu, null);
      } finally {
        await sandbox.dispose();
      }
    });
  }
});
