import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BuildCache, createSandbox, gradeSubmission, loadSpec, parseSpec, type Sandbox, type SandboxName } from '../../src';
import { requireLocalSandbox } from '../sandbox-availability';
import { DEMO_ASSIGNMENTS, useTempDirs } from '../temp-dir';

const SLUGS = ['c-sum', 'cpp-wordfreq', 'py-primes'];

for (const sandboxName of ['local', 'none'] as SandboxName[]) {
  describe(`grading the demo course under ${sandboxName}`, function () {
    this.timeout(120000);
    let sandbox: Sandbox;
    const cache = new BuildCache(path.join(os.tmpdir(), `classpod-test-cache-${process.pid}-${sandboxName}`));
    before(function () {
      if (sandboxName === 'local') requireLocalSandbox(this);
      sandbox = createSandbox(sandboxName);
    });
    after(async () => {
      await sandbox?.dispose();
      rmSync(cache.root, { recursive: true, force: true });
    });

    it('builds and runs Java and JavaScript programs', async function () {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'classpod-langs-'));
      try {
        const sources: Record<string, [string, string]> = {
          java: ['Main.java', 'import java.util.*;\npublic class Main { public static void main(String[] a) { Scanner s = new Scanner(System.in); System.out.println(s.nextInt() + s.nextInt()); } }\n'],
          javascript: ['main.js', 'const [a, b] = require("fs").readFileSync(0, "utf8").trim().split(/\\s+/).map(Number);\nconsole.log(a + b);\n'],
        };
        for (const [language, [file, source]] of Object.entries(sources)) {
          const sub = path.join(dir, language);
          mkdirSync(sub);
          writeFileSync(path.join(sub, file), source);
          const spec = parseSpec(`language: ${language}\nsources: [${file}]\nlimits: { timeMs: 10000 }\ntests: [{ name: t, stdin: "2 3", stdout: "5" }]\n`, { file: 'spec.yaml', baseDir: dir });
          const r = await gradeSubmission(spec, sub, { sandbox, buildCache: cache });
          assert.equal(r.compile.status, 'OK', r.compile.output);
          assert.equal(r.tests[0]!.verdict, 'AC', `${language}: ${r.tests[0]!.message}`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    for (const slug of SLUGS) {
      it(`gives the ${slug} reference solution full marks and the starter less`, async () => {
        const spec = loadSpec(path.join(DEMO_ASSIGNMENTS, slug, 'grading', 'spec.yaml'));
        const solution = await gradeSubmission(spec, path.join(DEMO_ASSIGNMENTS, slug, 'solution'), { sandbox, buildCache: cache });
        assert.equal(solution.compile.status, 'OK');
        assert.deepEqual(
          solution.tests.filter((t) => t.verdict !== 'AC').map((t) => `${t.name}: ${t.verdict} ${t.message}`),
          [],
        );
        assert.equal(solution.score, solution.maxScore);
        assert.equal(solution.systemError, false);
        assert.equal(solution.sandbox, sandboxName);
        const starter = await gradeSubmission(spec, path.join(DEMO_ASSIGNMENTS, slug, 'starter'), { sandbox, buildCache: cache });
        assert.equal(starter.compile.status, 'OK');
        assert.ok(starter.score < starter.maxScore, `starter scored ${starter.score}`);
        assert.equal(starter.systemError, false);
      });
    }
  });
}

describe('gradeSubmission', function () {
  this.timeout(60000);
  const tmp = useTempDirs();

  /** Generous limits for tests that are not about limits: this machine may be busy. */
  function relaxed(spec: string): string {
    return spec.includes('limits:') ? spec : `limits: { timeMs: 10000 }\n${spec}`;
  }

  function setup(files: Record<string, string>, spec: string): { dir: string; spec: ReturnType<typeof parseSpec>; cache: BuildCache } {
    const dir = tmp.dir();
    const submission = path.join(dir, 'submission');
    mkdirSync(submission);
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(submission, name), content);
    return { dir: submission, spec: parseSpec(relaxed(spec), { file: 'spec.yaml', baseDir: dir }), cache: new BuildCache(path.join(dir, 'cache')) };
  }

  it('reports a compile error with the compiler output, and every test CE with no points', async () => {
    const s = setup({ 'a.c': 'int main(void) { return x; }\n' }, 'language: c\nsources: [a.c]\ntests: [{ name: t, public: true, stdout: "1" }, { name: u, stdout: "2" }]\n');
    const r = await gradeSubmission(s.spec, s.dir, { buildCache: s.cache });
    assert.equal(r.compile.status, 'CE');
    assert.match(r.compile.output, /error: .x. undeclared/);
    assert.deepEqual(r.tests.map((t) => [t.verdict, t.score]), [['CE', 0], ['CE', 0]]);
    assert.equal(r.score, 0);
    assert.equal(r.systemError, false);
  });

  it('names a missing source file as a compile error', async () => {
    const s = setup({ 'other.c': '' }, 'language: c\nsources: [a.c]\ntests: [{ name: t, stdout: "1" }]\n');
    const r = await gradeSubmission(s.spec, s.dir, { buildCache: s.cache });
    assert.equal(r.compile.status, 'CE');
    assert.equal(r.compile.output, 'missing source file a.c');
  });

  it('never follows a symbolic link in a submission', async () => {
    const s = setup({}, 'language: python\nsources: [main.py]\ntests: [{ name: t, stdout: "1" }]\n');
    symlinkSync('/etc/passwd', path.join(s.dir, 'main.py'));
    const r = await gradeSubmission(s.spec, s.dir, { buildCache: s.cache });
    assert.equal(r.compile.status, 'CE');
    assert.equal(r.compile.output, 'missing source file main.py');
  });

  it('compiles once per source hash and reuses the build', async () => {
    const s = setup({ 'a.c': '#include <stdio.h>\nint main(void){ puts("1"); return 0; }\n' }, 'language: c\nsources: [a.c]\ntests: [{ name: t, stdout: "1" }, { name: u, stdout: "1" }]\n');
    const first = await gradeSubmission(s.spec, s.dir, { buildCache: s.cache });
    assert.equal(first.compile.cached, false);
    assert.equal(first.score, 2);
    const second = await gradeSubmission(s.spec, s.dir, { buildCache: s.cache });
    assert.equal(second.compile.cached, true);
    assert.equal(second.score, 2);
    assert.equal(second.sourceHash, first.sourceHash);
    writeFileSync(path.join(s.dir, 'a.c'), '#include <stdio.h>\nint main(void){ puts("2"); return 0; }\n');
    const changed = await gradeSubmission(s.spec, s.dir, { buildCache: s.cache });
    assert.equal(changed.compile.cached, false);
    assert.notEqual(changed.sourceHash, first.sourceHash);
    assert.equal(changed.score, 0);
  });

  it('gives public tests a diff and hidden tests no expected data', async () => {
    const s = setup(
      { 'main.py': 'print("hello")\n' },
      'language: python\nsources: [main.py]\ntests:\n  - { name: shown, public: true, stdout: "goodbye\\n" }\n  - { name: secret, stdout: "SECRET-ANSWER\\n" }\n',
    );
    const r = await gradeSubmission(s.spec, s.dir, { buildCache: s.cache });
    const [shown, secret] = r.tests;
    assert.equal(shown!.verdict, 'WA');
    assert.deepEqual(shown!.diff, {
      line: 1,
      column: 1,
      expected: { fromLine: 1, lines: ['goodbye'], more: false },
      actual: { fromLine: 1, lines: ['hello'], more: false },
    });
    assert.doesNotMatch(shown!.message, /goodbye\n|hello\n/, 'the message is a sentence, the difference travels apart');
    assert.match(shown!.message, /expected "goodbye", got "hello"/);
    assert.equal(secret!.verdict, 'WA');
    assert.equal(secret!.diff, undefined);
    assert.doesNotMatch(JSON.stringify(secret), /SECRET/);
  });

  it('grades only public tests with publicOnly', async () => {
    const s = setup({ 'main.py': 'print(1)\n' }, 'language: python\nsources: [main.py]\ntests:\n  - { name: a, public: true, stdout: "1" }\n  - { name: b, stdout: "1" }\n');
    const r = await gradeSubmission(s.spec, s.dir, { buildCache: s.cache, publicOnly: true });
    assert.deepEqual(r.tests.map((t) => t.name), ['a']);
  });

  it('checks files the program writes, and arguments reach it', async () => {
    const s = setup(
      { 'main.py': 'import sys\nopen(sys.argv[1], "w").write("written\\n")\n' },
      'language: python\nsources: [main.py]\ntests:\n  - { name: t, args: [out.txt], files: [{ path: out.txt, content: "written\\n" }] }\n  - { name: u, args: [x.txt], files: [{ path: out.txt, content: "written\\n" }] }\n',
    );
    const r = await gradeSubmission(s.spec, s.dir, { buildCache: s.cache });
    assert.deepEqual(r.tests.map((t) => t.verdict), ['AC', 'WA']);
    assert.match(r.tests[1]!.message, /did not write out\.txt/);
  });

  it('runs a testlib checker: accept, reject with its message, partial points, checker failure as SE', async () => {
    const dir = tmp.dir();
    writeFileSync(
      path.join(dir, 'check.c'),
      [
        '#include <stdio.h>',
        'int main(int argc, char **argv) {',
        '  FILE *o = fopen(argv[2], "r"); int got = 0; if (fscanf(o, "%d", &got) != 1) { puts("no number"); return 2; }',
        '  if (got == 7) return 0;',
        '  if (got == 5) { fprintf(stderr, "0.5 close enough\\n"); return 7; }',
        '  if (got == 9) { fprintf(stderr, "FAIL answer missing\\n"); return 3; }',
        '  printf("expected 7, found %d\\n", got); return 1;',
        '}',
      ].join('\n'),
    );
    const spec = parseSpec(
      ['language: python', 'sources: [main.py]', 'limits: { timeMs: 10000 }', 'checker: { language: c, source: check.c }', 'compare: { mode: checker }', 'tests:',
        '  - { name: a, public: true, stdin: "7" }', '  - { name: b, public: true, stdin: "3" }', '  - { name: c, public: true, stdin: "5" }', '  - { name: d, public: true, stdin: "9" }', ''].join('\n'),
      { file: 'spec.yaml', baseDir: dir },
    );
    const sub = path.join(dir, 'sub');
    mkdirSync(sub);
    writeFileSync(path.join(sub, 'main.py'), 'print(input())\n');
    const r = await gradeSubmission(spec, sub, { buildCache: new BuildCache(path.join(dir, 'cache')) });
    assert.deepEqual(r.tests.map((t) => t.verdict), ['AC', 'WA', 'WA', 'SE']);
    // `none` limits no memory, and says so with every result.
    assert.equal(r.tests[1]!.message, 'expected 7, found 3 (memory not limited on this machine)');
    assert.equal(r.tests[2]!.score, 0.5);
    assert.equal(r.systemError, true);
  });

  it('stops when aborted and marks the result a system error', async () => {
    const s = setup({ 'main.py': 'import time\ntime.sleep(30)\n' }, 'language: python\nsources: [main.py]\nlimits: { timeMs: 20000, wallMs: 40000 }\ntests: [{ name: t, stdout: "" }, { name: u, stdout: "" }]\n');
    const controller = new AbortController();
    const graded = gradeSubmission(s.spec, s.dir, { buildCache: s.cache, signal: controller.signal, onTest: () => undefined });
    setTimeout(() => controller.abort(), 1500);
    const r = await graded;
    assert.deepEqual(r.tests.map((t) => t.verdict), ['SE', 'SE']);
    assert.equal(r.systemError, true);
  });
});
