import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSpec, publicSpec } from '@classpod/grader';
import { loadPublicSpec, outcomesOf, publicTests, summaryLine } from '../../../src/testing/public-tests';
import { LocalTestRunner } from '../../../src/testing/test-runners';

const demo = path.resolve(__dirname, '..', '..', '..', '..', '..', 'examples', 'demo-course', 'assignments', 'c-sum');

/** An assignment folder as a student has it: sources plus the public spec the hub writes. */
function assignmentFolder(source: string): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'classpod-ext-tests-'));
  mkdirSync(path.join(folder, '.classpod', 'tests'), { recursive: true });
  writeFileSync(path.join(folder, '.classpod', 'tests', 'spec.json'), JSON.stringify(publicSpec(loadSpec(path.join(demo, 'grading', 'spec.yaml')))));
  copyFileSync(source, path.join(folder, 'sum.c'));
  return folder;
}

describe('public tests on this machine (grader engine, none sandbox)', function () {
  this.timeout(60_000);
  const folders: string[] = [];
  after(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

  it('lists only the public tests of the demo assignment', async function () {
    const folder = assignmentFolder(path.join(demo, 'starter', 'sum.c'));
    folders.push(folder);
    const spec = await loadPublicSpec(folder);
    assert.ok(spec);
    assert.deepEqual(publicTests(spec).map((t) => t.id), ['examples/small', 'examples/negative']);
  });

  it('fails the starter with an expected-versus-actual difference', async function () {
    const folder = assignmentFolder(path.join(demo, 'starter', 'sum.c'));
    folders.push(folder);
    const spec = (await loadPublicSpec(folder))!;
    const seen: string[] = [];
    const result = await new LocalTestRunner().run({ folder, courseId: 'demo', assignmentId: 'c-sum', spec, onTest: (r) => seen.push(r.name) });
    const outcomes = outcomesOf(result, publicTests(spec));
    assert.deepEqual(seen.sort(), ['negative', 'small']);
    assert.equal(outcomes.length, 2);
    for (const o of outcomes) {
      assert.equal(o.passed, false, `${o.id} fails on the starter`);
      assert.match(o.message, /^Wrong answer/);
      assert.ok(o.expected !== undefined && o.actual !== undefined && o.expected !== o.actual, 'expected and actual differ');
      assert.match(o.message, /\nOutput differs at line \d+, column \d+:$/, 'the message says where, from the difference as data');
    }
    assert.match(summaryLine(result), /^0 of 2 public tests pass/);
  });

  it('passes the reference solution', async function () {
    const folder = assignmentFolder(path.join(demo, 'solution', 'sum.c'));
    folders.push(folder);
    const spec = (await loadPublicSpec(folder))!;
    const result = await new LocalTestRunner().run({ folder, courseId: 'demo', assignmentId: 'c-sum', spec });
    assert.deepEqual(outcomesOf(result, publicTests(spec)).map((o) => [o.id, o.passed]), [['examples/small', true], ['examples/negative', true]]);
  });

  it('reports a build failure on every test with the compiler output', async function () {
    const folder = assignmentFolder(path.join(demo, 'starter', 'sum.c'));
    folders.push(folder);
    writeFileSync(path.join(folder, 'sum.c'), 'int main(void) { return syntax error; }\n');
    const spec = (await loadPublicSpec(folder))!;
    const result = await new LocalTestRunner().run({ folder, courseId: 'demo', assignmentId: 'c-sum', spec });
    const outcomes = outcomesOf(result, publicTests(spec));
    assert.ok(outcomes.every((o) => !o.passed && /^Compilation error:\n.*error/s.test(o.message)));
  });
});
