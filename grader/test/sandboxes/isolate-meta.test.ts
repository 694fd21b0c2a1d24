import * as assert from 'node:assert/strict';
import { classifyRun, compareOutput, isolateOutcome, parseIsolateMeta } from '../../src';
import { fixtureNames, fixtureSets, isolateFixtures } from './isolate-fixtures';

describe('isolate meta files', () => {
  for (const set of fixtureSets()) {
    it(`${set}: every recorded meta file has a row in expected.json, and every row a meta file`, () => {
      const { metaFiles, rows } = fixtureNames(set);
      assert.deepEqual(metaFiles, rows);
    });
  }

  for (const fixture of isolateFixtures()) {
    it(`turns the recorded ${fixture.set}/${fixture.name}.meta into ${fixture.verdict}`, () => {
      const meta = parseIsolateMeta(fixture.meta);
      const memoryLimit = fixture.controlGroups ? 'cgroup' : 'address-space';
      const outcome = isolateOutcome(meta, fixture.isolateExit, Buffer.from(fixture.stdout), Buffer.alloc(0), '', { memoryLimit });
      const c = classifyRun(outcome, fixture.limits);
      const verdict = c.verdict ?? (compareOutput(fixture.expectedStdout, outcome.stdout.toString(), { mode: 'exact' }).accepted ? 'AC' : 'WA');
      assert.equal(verdict, fixture.verdict, c.message);
      assert.equal(outcome.timeMs, Math.round(Number(meta.values.get('time')) * 1000));
      assert.equal(outcome.memoryKb, Number(meta.values.get('max-rss') ?? meta.values.get('cg-mem')));
      assert.equal(outcome.memoryLimit, memoryLimit);
      if (fixture.controlGroups && meta.values.has('cg-mem')) assert.equal(meta.groupMemoryKb, Number(meta.values.get('cg-mem')));
    });
  }

  it('reads by key whatever the order', () => {
    for (const fixture of isolateFixtures()) {
      const reversed = fixture.meta.trim().split('\n').reverse().join('\n');
      assert.deepEqual(parseIsolateMeta(reversed).values, parseIsolateMeta(fixture.meta).values);
    }
  });

  it('names the signal and the exit code', () => {
    const byName = new Map(isolateFixtures('isolate-2.6').map((f) => [f.name, f]));
    const segv = byName.get('segv')!;
    const s = classifyRun(isolateOutcome(parseIsolateMeta(segv.meta), 1, Buffer.alloc(0), Buffer.alloc(0)), segv.limits);
    assert.match(s.message, /SIGSEGV/);
    const exit3 = byName.get('exit3')!;
    const e = classifyRun(isolateOutcome(parseIsolateMeta(exit3.meta), 1, Buffer.alloc(0), Buffer.alloc(0)), exit3.limits);
    assert.match(e.message, /exit code 3/);
  });

  it('maps the cgroup OOM killer to MLE', () => {
    const meta = parseIsolateMeta('time:0.2\ntime-wall:0.3\nmax-rss:60000\ncg-mem:65536\ncg-oom-killed:1\nexitsig:9\nstatus:SG\nmessage:Caught fatal signal 9\n');
    const o = isolateOutcome(meta, 1, Buffer.alloc(0), Buffer.alloc(0));
    assert.equal(o.memoryKb, 60000, 'the program’s own memory (max-rss), not the group’s');
    assert.equal(o.memoryLimit, 'cgroup');
    assert.equal(o.processLimitReached, null, 'isolate cannot tell');
    assert.equal(classifyRun(o, { timeMs: 1000, wallMs: 2000, memoryKb: 65536, processes: 1, outputKb: 1024, fileSizeKb: 1024 }).verdict, 'MLE');
  });

  it('reports isolate’s own failures as SE, never against the student', () => {
    const limits = { timeMs: 1000, wallMs: 2000, memoryKb: 65536, processes: 1, outputKb: 1024, fileSizeKb: 1024 };
    const xx = isolateOutcome(parseIsolateMeta('status:XX\nmessage:execve("./main"): No such file or directory\n'), 2, Buffer.alloc(0), Buffer.alloc(0));
    assert.equal(classifyRun(xx, limits).verdict, 'SE');
    assert.match(xx.systemError!, /execve/);
    assert.equal(classifyRun(isolateOutcome(null, 2, Buffer.alloc(0), Buffer.alloc(0), 'Box 3 not initialized'), limits).verdict, 'SE');
    assert.equal(classifyRun(isolateOutcome(parseIsolateMeta('time:0.1\n'), 2, Buffer.alloc(0), Buffer.alloc(0)), limits).verdict, 'SE');
    assert.equal(classifyRun(isolateOutcome(parseIsolateMeta('status:RE\nmessage:weird\n'), 1, Buffer.alloc(0), Buffer.alloc(0)), limits).verdict, 'SE');
  });
});
