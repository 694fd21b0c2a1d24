import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadSpec, parseSpec, SpecError } from '../../src';
import { DEMO_ASSIGNMENTS, useTempDirs } from '../temp-dir';

describe('loadSpec', () => {
  const tmp = useTempDirs();

  function errorOf(yaml: string, files: Record<string, string> = {}): SpecError {
    const dir = tmp.dir();
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
    writeFileSync(path.join(dir, 'spec.yaml'), yaml);
    try {
      loadSpec(path.join(dir, 'spec.yaml'));
    } catch (err) {
      assert.ok(err instanceof SpecError, `expected a SpecError, got ${String(err)}`);
      assert.equal(err.code, 'SPEC_INVALID');
      return err;
    }
    assert.fail('the specification was accepted');
  }

  it('resolves the demo C assignment with test data inline and limits in one unit', () => {
    const spec = loadSpec(path.join(DEMO_ASSIGNMENTS, 'c-sum', 'grading', 'spec.yaml'));
    assert.equal(spec.language, 'c');
    assert.deepEqual(spec.sources, ['sum.c']);
    assert.deepEqual(spec.groups.map((g) => [g.name, g.scoring, g.points]), [
      ['examples', 'sum', 30],
      ['edge-cases', 'all-or-nothing', 30],
      ['big-numbers', 'sum', 40],
    ]);
    const small = spec.groups[0]!.tests[0]!;
    assert.equal(small.stdin, '3\n1 2 3\n');
    assert.equal(small.expectedStdout, '6\n2.000\n');
    assert.equal(small.public, true);
    assert.deepEqual(small.limits, { timeMs: 1000, wallMs: 3000, memoryKb: 65536, processes: 1, outputKb: 1024, fileSizeKb: 1024 });
    assert.deepEqual(small.compare, { mode: 'float', absTolerance: 0.001 });
    assert.equal(spec.groups[1]!.tests[0]!.public, false);
  });

  it('accepts JSON with top-level tests and per-test overrides', () => {
    const dir = tmp.dir();
    const file = path.join(dir, 'spec.json');
    writeFileSync(
      file,
      JSON.stringify({
        language: 'python',
        sources: ['main.py'],
        limits: { timeMs: 500 },
        tests: [
          { name: 'a', public: true, stdin: '1', stdout: '1', weight: 2 },
          { name: 'b', stdin: '2', stdout: '2', limits: { memoryMb: 32 }, compare: { mode: 'tokens', ignoreCase: true } },
        ],
      }),
    );
    const spec = loadSpec(file);
    assert.equal(spec.groups.length, 1);
    assert.equal(spec.groups[0]!.points, 3);
    assert.equal(spec.groups[0]!.tests[1]!.limits.memoryKb, 32 * 1024);
    assert.equal(spec.groups[0]!.tests[1]!.limits.timeMs, 500);
    assert.deepEqual(spec.groups[0]!.tests[1]!.compare, { mode: 'tokens', ignoreCase: true });
  });

  it('names the line and field of a misspelt key', () => {
    const e = errorOf(['language: c', 'sources: [a.c]', 'tests:', '  - name: one', '    stdout: "1"', '    stdni: "2"', ''].join('\n'));
    assert.equal(e.location.line, 6);
    assert.equal(e.location.field, 'tests[0].stdni');
    assert.match(e.message, /spec\.yaml:6:5: tests\[0\]\.stdni: unknown field "stdni"/);
  });

  it('lists the languages when the language is unknown', () => {
    const e = errorOf(['language: rust', 'sources: [a.rs]', 'tests: [{ name: t, stdout: "" }]', ''].join('\n'));
    assert.equal(e.location.line, 1);
    assert.match(e.message, /language: must be one of c, cpp, python, java, javascript/);
  });

  it('names the line of a value of the wrong type', () => {
    const e = errorOf(['language: c', 'sources: [a.c]', 'limits:', '  timeMs: fast', 'tests: [{ name: t, stdout: "" }]', ''].join('\n'));
    assert.equal(e.location.field, 'limits.timeMs');
    assert.equal(e.location.line, 4);
  });

  it('refuses a test without expected output, at the test', () => {
    const e = errorOf(['language: c', 'sources: [a.c]', 'tests:', '  - name: ok', '    stdout: "1"', '  - name: nothing', '    stdin: "1"', ''].join('\n'));
    assert.equal(e.location.field, 'tests[1]');
    assert.equal(e.location.line, 6);
    assert.match(e.problem, /needs an expected stdout/);
  });

  it('refuses a referenced file that does not exist, and one outside the spec folder', () => {
    let e = errorOf(['language: c', 'sources: [a.c]', 'tests:', '  - name: t', '    stdinFile: tests/missing.in', '    stdout: ""', ''].join('\n'));
    assert.equal(e.location.line, 5);
    assert.match(e.problem, /file tests\/missing\.in not found/);
    e = errorOf(['language: c', 'sources: [a.c]', 'tests:', '  - name: t', '    stdinFile: ../../etc/passwd', '    stdout: ""', ''].join('\n'));
    assert.match(e.problem, /outside the specification's folder/);
  });

  it('refuses duplicate test names and both stdin and stdinFile', () => {
    let e = errorOf(['language: c', 'sources: [a.c]', 'tests:', '  - { name: t, stdout: "" }', '  - { name: t, stdout: "" }', ''].join('\n'));
    assert.equal(e.location.line, 5);
    assert.match(e.problem, /used twice/);
    e = errorOf(['language: c', 'sources: [a.c]', 'tests:', '  - { name: t, stdin: "", stdinFile: x.in, stdout: "" }', ''].join('\n'), { 'x.in': '' });
    assert.match(e.problem, /not both/);
  });

  it('requires a checker when a test compares with one', () => {
    const e = errorOf(['language: c', 'sources: [a.c]', 'compare: { mode: checker }', 'tests: [{ name: t }]', ''].join('\n'));
    assert.equal(e.location.field, 'checker');
  });

  it('reports YAML syntax errors with their line', () => {
    const e = errorOf(['language: c', 'sources: [a.c', 'tests: []', ''].join('\n'));
    assert.ok(e.location.line >= 2, `line ${e.location.line}`);
  });

  it('parses text given directly, reading files relative to the base folder', () => {
    const dir = tmp.dir();
    writeFileSync(path.join(dir, 'c.cpp'), '// checker');
    const spec = parseSpec(
      ['language: cpp', 'sources: [a.cpp]', 'checker: { language: cpp, source: c.cpp }', 'compare: { mode: checker }', 'tests: [{ name: t, stdin: "5" }]', ''].join('\n'),
      { file: 'inline.yaml', baseDir: dir },
    );
    assert.deepEqual(spec.checker, { language: 'cpp', source: { path: 'c.cpp', content: '// checker' } });
    assert.equal(spec.groups[0]!.tests[0]!.expectedStdout, undefined);
  });
});
