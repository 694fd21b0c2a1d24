import * as assert from 'node:assert/strict';
import { classifyRun, type RunOutcome } from '../../src';

const limits = { timeMs: 1000, wallMs: 3000, memoryKb: 65536, processes: 1, outputKb: 1024, fileSizeKb: 1024 };
const run = (o: Partial<RunOutcome>): RunOutcome => ({
  exitCode: 0, signal: null, limitHit: null, systemError: null, timeMs: 10, cpuMeasured: true, wallMs: 12, memoryKb: 1000,
  stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), ...o,
});

describe('classifyRun', () => {
  it('lets a clean run through to the comparison', () => {
    assert.equal(classifyRun(run({}), limits).verdict, null);
  });

  it('names each limit', () => {
    assert.equal(classifyRun(run({ limitHit: 'output', exitCode: null }), limits).verdict, 'OLE');
    assert.equal(classifyRun(run({ limitHit: 'memory', exitCode: null, signal: 'SIGKILL' }), limits).verdict, 'MLE');
    assert.equal(classifyRun(run({ limitHit: 'cpu', exitCode: null }), limits).verdict, 'TLE');
    assert.equal(classifyRun(run({ limitHit: 'wall', exitCode: null, timeMs: 5, wallMs: 3000 }), limits).verdict, 'WLE');
  });

  it('calls a program still computing at the wall-clock limit TLE', () => {
    assert.equal(classifyRun(run({ limitHit: 'wall', exitCode: null, timeMs: 400, wallMs: 3000 }), limits).verdict, 'TLE');
    assert.equal(classifyRun(run({ limitHit: 'wall', exitCode: null, timeMs: 1200, wallMs: 3000 }), limits).verdict, 'TLE');
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
});
