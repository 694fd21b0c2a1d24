import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gradeCli } from '../../src/cli/grade-cli';
import { DEMO_ASSIGNMENTS, GRADER_ROOT, useTempDirs } from '../temp-dir';

const SPEC = path.join(DEMO_ASSIGNMENTS, 'c-sum', 'grading', 'spec.yaml');
const SOLUTION = path.join(DEMO_ASSIGNMENTS, 'c-sum', 'solution');
const STARTER = path.join(DEMO_ASSIGNMENTS, 'c-sum', 'starter');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await gradeCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('classpod-grade', function () {
  this.timeout(60000);
  const tmp = useTempDirs();

  it('prints one JSON object with score, compile and per-test verdicts', async () => {
    const r = await run(['--spec', SPEC, '--submission', SOLUTION, '--sandbox', 'none', '--json']);
    assert.equal(r.code, 0, r.err);
    const result = JSON.parse(r.out) as Record<string, unknown> & { tests: Record<string, unknown>[]; compile: Record<string, unknown> };
    assert.equal(result.score, 100);
    assert.equal(result.maxScore, 100);
    assert.equal(result.compile.status, 'OK');
    assert.equal(typeof result.compile.output, 'string');
    assert.equal(result.tests.length, 6);
    for (const t of result.tests) {
      for (const key of ['name', 'verdict', 'timeMs', 'wallMs', 'memoryKb', 'score']) assert.ok(key in t, `${key} in ${JSON.stringify(t)}`);
      assert.equal(t.verdict, 'AC');
    }
  });

  it('prints a readable table with the verdicts, the diff of public tests and the total, and exits 0 for a low score', async () => {
    const r = await run(['--spec', SPEC, '--submission', STARTER, '--sandbox', 'none']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /sandbox: none — NOT a sandbox/);
    assert.match(r.out, /examples\s+small\s+WA wrong answer/);
    assert.match(r.out, /output: first difference at line \d+, column \d+/);
    assert.match(r.out, /-\s+\d+ \| 2\.000/);
    assert.match(r.out, /big-numbers\s+large \(hidden\)\s+WA/);
    assert.match(r.out, /score: 0 \/ 100/);
  });

  it('grades only public tests with --public-only', async () => {
    const r = await run(['--spec', SPEC, '--submission', SOLUTION, '--sandbox', 'none', '--public-only', '--json']);
    const result = JSON.parse(r.out) as { tests: { name: string }[]; maxScore: number };
    assert.deepEqual(result.tests.map((t) => t.name), ['small', 'negative']);
    assert.equal(result.maxScore, 30);
  });

  it('reports a compile error as a graded result', async () => {
    const dir = tmp.dir();
    writeFileSync(path.join(dir, 'sum.c'), 'int main( {\n');
    const r = await run(['--spec', SPEC, '--submission', dir, '--sandbox', 'none', '--json']);
    assert.equal(r.code, 0);
    const result = JSON.parse(r.out) as { compile: { status: string; output: string }; tests: { verdict: string }[] };
    assert.equal(result.compile.status, 'CE');
    assert.match(result.compile.output, /error/);
    assert.ok(result.tests.every((t) => t.verdict === 'CE'));
  });

  it('exits non-zero only when it cannot grade: bad spec (with its line), missing folder, wrong options', async () => {
    const dir = tmp.dir();
    writeFileSync(path.join(dir, 'spec.yaml'), 'language: c\nsources: [a.c]\ntests:\n  - name: t\n    stdout: 1\n');
    let r = await run(['--spec', path.join(dir, 'spec.yaml'), '--submission', dir, '--sandbox', 'none']);
    assert.equal(r.code, 1);
    assert.match(r.err, /spec\.yaml:5:\d+: tests\[0\]\.stdout/);
    r = await run(['--spec', SPEC, '--submission', path.join(dir, 'missing'), '--sandbox', 'none']);
    assert.equal(r.code, 1);
    assert.match(r.err, /does not exist/);
    r = await run(['--spec', SPEC, '--submission', dir, '--sandbox', 'docker']);
    assert.equal(r.code, 2);
    r = await run(['--submission', dir]);
    assert.equal(r.code, 2);
    assert.match(r.err, /usage:/);
  });

  it('answers --help and -h from its installed command with its usage on standard output and exit status 0', () => {
    for (const flag of ['--help', '-h']) {
      const r = spawnSync(path.join(GRADER_ROOT, 'bin', 'classpod-grade'), [flag], { encoding: 'utf8' });
      assert.deepEqual([r.status, r.stderr], [0, ''], flag);
      assert.match(r.stdout, /^usage: classpod-grade --spec FILE --submission DIR/, flag);
    }
  });

  it('is installed as a command (bin) that exits 0 after grading', () => {
    const r = spawnSync(process.execPath, [path.join(GRADER_ROOT, 'bin', 'classpod-grade'), '--spec', SPEC, '--submission', SOLUTION, '--sandbox', 'none', '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { score: number }).score, 100);
  });
});
