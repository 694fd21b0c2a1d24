import * as assert from 'node:assert/strict';
import { classifyRun, type RunOutcome } from '../../src';

const limits = { timeMs: 1000, wallMs: 3000, memoryKb: 65536, processes: 1, outputKb: 1024, fileSizeKb: 1024 };
const run = (o: Partial<RunOutcome>): RunOutcome => ({
  exitCode: 0, signal: null, limitHit: null, systemError: null, timeMs: 10, cpuMeasured: true, wallMs: 12, memoryKb: 1000,
  memoryLimit: 'cgroup', processLimitReached: false, runnableMs: null, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), ...o,
});

describe('classifyRun', () => {
  it('lets a clean run through to the comparison', () => {
    assert.equal(classifyRun(run({}), limits).verdict, null);
  });

  it('names each limit', () => {
    assert.equal(classifyRun(run({ limitHit: 'output', exitCode: null }), limits).verdict, 'OLE');
    assert.equal(classifyRun(run({ limitHit: 'memory', exitCode: null, signal: 'SIGKILL', memoryKb: 63000 }), limits).verdict, 'MLE');
    assert.equal(classifyRun(run({ limitHit: 'cpu', exitCode: null }), limits).verdict, 'TLE');
    assert.equal(classifyRun(run({ limitHit: 'wall', exitCode: null, timeMs: 5, wallMs: 3000 }), limits).verdict, 'WLE');
  });

  it('calls a program still computing at the wall-clock limit TLE', () => {
    assert.equal(classifyRun(run({ limitHit: 'wall', exitCode: null, timeMs: 400, wallMs: 3000 }), limits).verdict, 'TLE');
    assert.equal(classifyRun(run({ limitHit: 'wall', exitCode: null, timeMs: 1200, wallMs: 3000 }), limits).verdict, 'TLE');
  });

  it('calls a program stopped by the clock TLE when it was starved of a CPU, not sleeping', () => {
    const starved = classifyRun(run({ limitHit: 'wall', exitCode: null, timeMs: 60, wallMs: 3000, runnableMs: 2900 }), limits);
    assert.equal(starved.verdict, 'TLE');
    assert.match(starved.message, /busy machine/);
    assert.equal(classifyRun(run({ limitHit: 'wall', exitCode: null, timeMs: 60, wallMs: 3000, runnableMs: 80 }), limits).verdict, 'WLE');
  });

  it('names the signal of a runtime error', () => {
    const c = classifyRun(run({ exitCode: null, signal: 'SIGSEGV' }), limits);
    assert.equal(c.verdict, 'RE');
    assert.match(c.message, /SIGSEGV \(segmentation fault/);
    assert.equal(classifyRun(run({ exitCode: null, signal: 'SIGFPE' }), limits).verdict, 'RE');
  });

  it('maps SIGXCPU to TLE and SIGXFSZ to OLE', () => {
    assert.equal(classifyRun(run({ exitCode: null, signal: 'SIGXCPU' }), limits).verdict, 'TLE');
    assert.equal(classifyRun(run({ exitCode: null, signal: 'SIGXFSZ' }), limits).verdict, 'OLE');
  });

  it('names the exit code, and calls a failure at the memory limit MLE', () => {
    const re = classifyRun(run({ exitCode: 3 }), limits);
    assert.equal(re.verdict, 'RE');
    assert.match(re.message, /exit code 3/);
    assert.equal(classifyRun(run({ exitCode: 1, memoryKb: 64000 }), limits).verdict, 'MLE');
  });

  it('calls a run that finished over the CPU limit TLE, and over the memory limit MLE', () => {
    assert.equal(classifyRun(run({ timeMs: 1500 }), limits).verdict, 'TLE');
    assert.equal(classifyRun(run({ memoryKb: 70000 }), limits).verdict, 'MLE');
  });

  it('judges time by the clock alone where CPU time is not measured (none)', () => {
    assert.equal(classifyRun(run({ timeMs: 1500, wallMs: 1500, cpuMeasured: false }), limits).verdict, null);
    assert.equal(classifyRun(run({ limitHit: 'wall', exitCode: null, timeMs: 3000, wallMs: 3000, cpuMeasured: false }), limits).verdict, 'TLE');
  });

  it('reports a sandbox failure as SE', () => {
    assert.equal(classifyRun(run({ systemError: 'bwrap missing' }), limits).verdict, 'SE');
  });

  describe('the fork-bomb rules', () => {
    const bomb = { exitCode: null, memoryKb: 1200, processLimitReached: true } as const;

    it('calls a run OOM-killed for kernel memory after reaching the process limit RE "too many processes"', () => {
      const c = classifyRun(run({ ...bomb, limitHit: 'memory', signal: 'SIGKILL' }), limits);
      assert.equal(c.verdict, 'RE');
      assert.match(c.message, /too many processes \(limit 1\).*kernel memory/);
    });

    it('gives the same verdict when the CPU limit, the clock or SIGXCPU stops it first', () => {
      for (const o of [{ limitHit: 'cpu' }, { limitHit: 'wall', timeMs: 2000, wallMs: 3000 }, { signal: 'SIGXCPU' }, { signal: 'SIGKILL', timeMs: 1500 }] as const) {
        const c = classifyRun(run({ ...bomb, ...o }), limits);
        assert.equal(c.verdict, 'RE', JSON.stringify(o));
        assert.match(c.message, /too many processes/);
      }
    });

    it('still calls MLE a run whose own memory reached the limit, processes or not', () => {
      assert.equal(classifyRun(run({ ...bomb, limitHit: 'memory', signal: 'SIGKILL', memoryKb: 60000 }), limits).verdict, 'MLE');
    });

    it('calls MLE an OOM kill without the process limit reached, or where the sandbox cannot tell (isolate)', () => {
      for (const processLimitReached of [false, null]) {
        const c = classifyRun(run({ exitCode: null, signal: 'SIGKILL', limitHit: 'memory', memoryKb: 20000, processLimitReached }), limits);
        assert.equal(c.verdict, 'MLE');
        assert.match(c.message, /largest process used 20 MiB/);
      }
    });

    it('lets a program that reached the process limit and finished by itself through, and names the limit when it failed', () => {
      assert.equal(classifyRun(run({ processLimitReached: true }), limits).verdict, null);
      const c = classifyRun(run({ processLimitReached: true, exitCode: 4 }), limits);
      assert.equal(c.verdict, 'RE');
      assert.match(c.message, /exit code 4 after reaching the process limit \(1\)/);
      assert.match(classifyRun(run({ processLimitReached: true, exitCode: null, signal: 'SIGSEGV' }), limits).message, /SIGSEGV.*process limit/);
    });

    it('puts the output limit first', () => {
      assert.equal(classifyRun(run({ ...bomb, limitHit: 'output' }), limits).verdict, 'OLE');
    });
  });

  describe('where memory could not be limited by a group', () => {
    it('says so with every verdict, clean runs included, and keeps the verdict the measurement gives', () => {
      const clean = classifyRun(run({ memoryLimit: 'none' }), limits);
      assert.equal(clean.verdict, null);
      assert.equal(clean.note, 'memory not limited on this machine');
      const over = classifyRun(run({ memoryLimit: 'none', memoryKb: 70000 }), limits);
      assert.equal(over.verdict, 'MLE');
      assert.match(over.message, /memory not limited on this machine/);
      assert.match(classifyRun(run({ memoryLimit: 'address-space', exitCode: 1 }), limits).message, /address space only/);
      assert.equal(classifyRun(run({}), limits).note, null);
    });
  });
});
