// Every grade names what produced it, and a grade can be rerun from its
// record. A second toolchain is made honestly: a `gcc` earlier on PATH (the
// `none` sandbox finds toolchains on the grader's own PATH) that reports
// another version and compiles with a macro the submission reacts to, so its
// builds really differ from the real gcc's.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BuildCache, gradeSubmission, loadSpec, NoneSandbox, parseGradeRecordFile, type GradeRecordFile, type GradeResult } from '../../src';
import { GRADER_ROOT, useTempDirs } from '../temp-dir';

const CLI = path.join(GRADER_ROOT, 'bin', 'classpod-grade');

/** A folder with a `gcc` that says it is another version and defines FAKE_TOOLCHAIN. */
function fakeGcc(dir: string): string {
  const bin = path.join(dir, 'fake-bin');
  mkdirSync(bin);
  const realGcc = spawnSync('sh', ['-c', 'command -v gcc'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(
    path.join(bin, 'gcc'),
    `#!/bin/sh\nif [ "$1" = --version ]; then echo "gcc (Fake Toolchain) 99.0.0"; exit 0; fi\nexec ${realGcc} -DFAKE_TOOLCHAIN "$@"\n`,
  );
  chmodSync(path.join(bin, 'gcc'), 0o755);
  return bin;
}

/** A C assignment whose program prints what toolchain built it. */
function assignment(dir: string): { spec: string; submission: string } {
  writeFileSync(
    path.join(dir, 'spec.yaml'),
    ['language: c', 'sources: [main.c]', 'tests:', '  - { name: hello, public: true, stdin: "", stdout: "real\\n" }', '  - { name: again, stdin: "", stdout: "real\\n" }', ''].join('\n'),
  );
  const submission = path.join(dir, 'submission');
  mkdirSync(submission);
  writeFileSync(
    path.join(submission, 'main.c'),
    '#include <stdio.h>\nint main(void) {\n#ifdef FAKE_TOOLCHAIN\n  puts("fake");\n#else\n  puts("real");\n#endif\n  return 0;\n}\n',
  );
  return { spec: path.join(dir, 'spec.yaml'), submission };
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('grade provenance and reruns', function () {
  this.timeout(120000);
  const tmp = useTempDirs();

  it('names the sandbox, the toolchain (version line and hash), the build key, the limits and every run', async () => {
    const dir = tmp.dir();
    const a = assignment(dir);
    const sandbox = new NoneSandbox();
    const result = await gradeSubmission(loadSpec(a.spec), a.submission, { sandbox, buildCache: new BuildCache(path.join(dir, 'cache')) });
    const p = result.provenance!;
    assert.ok(p, 'the result has no provenance');
    assert.equal(p.recordVersion, 1);
    assert.equal(p.sandbox.name, 'none');
    assert.equal(p.sandbox.isolating, false);
    const gcc = p.toolchains.find((t) => t.language === 'c')!;
    assert.match(gcc.version, /^gcc /);
    assert.equal(gcc.available, true);
    assert.match(gcc.hash, /^sha256:[0-9a-f]{64}$/);
    assert.match(p.toolchainHash, /^sha256:[0-9a-f]{64}$/);
    assert.match(p.buildKey, /^sha256:[0-9a-f]{64}$/);
    assert.ok(p.host.kernel.length > 0 && p.host.platform.length > 0);
    assert.deepEqual(p.tests.map((t) => t.name), ['hello', 'again']);
    for (const t of p.tests) {
      assert.equal(t.limits.timeMs, 1000);
      assert.equal(t.runs.length, 1, 'a fast run is not repeated');
      assert.equal(t.decidingRun, 0);
      assert.equal(t.runs[0]!.verdict, 'AC');
      assert.equal(t.runs[0]!.exitCode, 0);
    }
  });

  it('does not reuse a build made by another toolchain of the same name ("build: OK (cached)")', async () => {
    const dir = tmp.dir();
    const a = assignment(dir);
    const fake = fakeGcc(dir);
    // TMPDIR: both runs use one build cache of their own, $TMPDIR/classpod-build-cache.
    const first = cli(['--spec', a.spec, '--submission', a.submission, '--sandbox', 'none', '--json'], { PATH: `${fake}:${process.env.PATH}`, TMPDIR: dir });
    assert.equal(first.status, 0, first.err);
    const byFake = JSON.parse(first.out) as GradeResult;
    assert.equal(byFake.tests[0]!.verdict, 'WA', 'the fake toolchain was not used');
    // Same sources, same cache folder, the real gcc: a fresh build, not the fake one's.
    const second = cli(['--spec', a.spec, '--submission', a.submission, '--sandbox', 'none', '--json'], { TMPDIR: dir });
    const byReal = JSON.parse(second.out) as GradeResult;
    assert.equal(byReal.compile.cached, false, 'the build of the other toolchain was reused');
    assert.equal(byReal.tests[0]!.verdict, 'AC');
    assert.notEqual(byReal.provenance!.buildKey, byFake.provenance!.buildKey);
    assert.notEqual(byReal.provenance!.toolchainHash, byFake.provenance!.toolchainHash);
    // And the same toolchain again does reuse its own build.
    const third = JSON.parse(cli(['--spec', a.spec, '--submission', a.submission, '--sandbox', 'none', '--json'], { TMPDIR: dir }).out) as GradeResult;
    assert.equal(third.compile.cached, true);
  });

  it('reruns a record and says it matched, verdict by verdict', () => {
    const dir = tmp.dir();
    const a = assignment(dir);
    const record = path.join(dir, 'RECORD.json');
    const graded = cli(['--spec', a.spec, '--submission', a.submission, '--sandbox', 'none', '--record', record]);
    assert.equal(graded.status, 0, graded.err);
    const file = parseGradeRecordFile(readFileSync(record, 'utf8'), 'RECORD.json');
    assert.equal(file.format, 'classpod-grade-record');
    assert.deepEqual(file.files.map((f) => f.path), ['main.c']);
    const rerun = cli(['--rerun', record]);
    assert.equal(rerun.status, 0, rerun.out + rerun.err);
    assert.match(rerun.out, /^rerun MATCHED the record/);
    assert.match(rerun.out, /same {2}tests\/hello: AC → AC/);
    assert.match(rerun.out, /same {2}tests\/again: AC → AC/);
    assert.doesNotMatch(rerun.out, /why:/);
  });

  it('reports a changed toolchain hash as the reason a rerun differs', () => {
    const dir = tmp.dir();
    const a = assignment(dir);
    const record = path.join(dir, 'RECORD.json');
    const fake = fakeGcc(dir);
    const graded = cli(['--spec', a.spec, '--submission', a.submission, '--sandbox', 'none', '--record', record], { PATH: `${fake}:${process.env.PATH}` });
    assert.equal(graded.status, 0, graded.err);
    const rerun = cli(['--rerun', record, '--json']);
    assert.equal(rerun.status, 3, rerun.err);
    const { report } = JSON.parse(rerun.out) as { report: { matched: boolean; tests: { name: string; record: string; rerun: string; matched: boolean }[]; reasons: string[] } };
    assert.equal(report.matched, false);
    assert.deepEqual(report.tests.map((t) => [t.name, t.record, t.rerun]), [
      ['hello', 'WA', 'AC'],
      ['again', 'WA', 'AC'],
    ]);
    assert.match(report.reasons[0]!, /^toolchain of c differs: "gcc \(Fake Toolchain\) 99\.0\.0" in the record, "gcc .*" here \(hash sha256:[0-9a-f]{12}… in the record, sha256:[0-9a-f]{12}… here\)$/);
    const text = cli(['--rerun', record]);
    assert.match(text.out, /rerun DIFFERS from the record/);
    assert.match(text.out, /DIFF {2}tests\/hello: WA → AC/);
    assert.match(text.out, /why:\n {2}- toolchain of c differs/);
  });

  it('refuses a record whose specification was edited', () => {
    const dir = tmp.dir();
    const a = assignment(dir);
    const record = path.join(dir, 'RECORD.json');
    assert.equal(cli(['--spec', a.spec, '--submission', a.submission, '--sandbox', 'none', '--record', record]).status, 0);
    const file = JSON.parse(readFileSync(record, 'utf8')) as GradeRecordFile;
    file.spec.groups[0]!.tests[0]!.expectedStdout = 'fake\n';
    writeFileSync(record, JSON.stringify(file));
    const rerun = cli(['--rerun', record]);
    assert.equal(rerun.status, 1);
    assert.match(rerun.err, /its specification is not the one its result was graded against .*the file was changed/);
  });
});
