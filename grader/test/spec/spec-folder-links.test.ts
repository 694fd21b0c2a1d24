// From the attacker's side: a specification folder (or a file it names) that
// is a symbolic link to a host file must never turn that file into test data
// (a public expected output would print it in a WA diff). Every refusal names
// the file as the teacher wrote it, and no host path.

import * as assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadSpec, SpecError } from '../../src';
import { useTempDirs } from '../temp-dir';

const SPEC = (stdoutFile: string): string =>
  ['language: python', 'sources: [main.py]', 'tests:', `  - { name: leak, public: true, stdin: "", stdoutFile: ${stdoutFile} }`, ''].join('\n');

describe('spec folders refuse symbolic links', () => {
  const tmp = useTempDirs();

  function refusal(dir: string, file = 'spec.yaml'): SpecError {
    try {
      loadSpec(path.join(dir, file));
    } catch (err) {
      assert.ok(err instanceof SpecError, `expected a SpecError, got ${String(err)}`);
      return err;
    }
    assert.fail('the specification was accepted');
  }

  it('refuses tests/leak.out -> /etc/passwd and names the file', () => {
    const dir = tmp.dir();
    mkdirSync(path.join(dir, 'tests'));
    symlinkSync('/etc/passwd', path.join(dir, 'tests', 'leak.out'));
    writeFileSync(path.join(dir, 'spec.yaml'), SPEC('tests/leak.out'));
    const err = refusal(dir);
    assert.match(err.message, /tests\/leak\.out is a symbolic link/);
    assert.equal(err.location.field, 'tests[0].stdoutFile');
    assert.equal(err.location.line, 4);
    assert.doesNotMatch(err.message, /root:/, 'the linked file was read into the message');
    assert.equal(err.problem, "tests/leak.out is a symbolic link; links are refused in a specification's folder");
  });

  it('refuses a linked folder on the way (tests -> /etc)', () => {
    const dir = tmp.dir();
    symlinkSync('/etc', path.join(dir, 'tests'));
    writeFileSync(path.join(dir, 'spec.yaml'), SPEC('tests/passwd'));
    assert.match(refusal(dir).message, /: tests is a symbolic link; links are refused/);
  });

  it('refuses a link that stays inside the folder too, and the spec file itself as a link', () => {
    const dir = tmp.dir();
    writeFileSync(path.join(dir, 'real.out'), 'ok\n');
    symlinkSync('real.out', path.join(dir, 'alias.out'));
    writeFileSync(path.join(dir, 'spec.yaml'), SPEC('alias.out'));
    assert.match(refusal(dir).message, /alias\.out is a symbolic link/);

    const other = tmp.dir();
    writeFileSync(path.join(other, 'real.yaml'), SPEC('x.out'));
    symlinkSync(path.join(other, 'real.yaml'), path.join(other, 'spec.yaml'));
    assert.match(refusal(other).message, /spec\.yaml is a symbolic link/);
  });

  it('refuses a checker source and a grader file that are links', () => {
    const dir = tmp.dir();
    symlinkSync('/etc/hostname', path.join(dir, 'header.h'));
    writeFileSync(path.join(dir, 'spec.yaml'), ['language: c', 'sources: [a.c]', 'files: [header.h]', 'tests:', '  - { name: t, stdout: "" }', ''].join('\n'));
    const err = refusal(dir);
    assert.match(err.message, /files\[0\]: header\.h is a symbolic link/);
  });

  it('checks a data file’s size before reading it, naming the file', () => {
    const dir = tmp.dir();
    mkdirSync(path.join(dir, 'tests'));
    // Sparse: 65 MiB long, no blocks on disk; reading it would allocate it all.
    const big = path.join(dir, 'tests', 'huge.out');
    writeFileSync(big, '');
    truncateSync(big, 65 * 1024 * 1024);
    writeFileSync(path.join(dir, 'spec.yaml'), SPEC('tests/huge.out'));
    assert.match(refusal(dir).message, /tests\/huge\.out is 65 MiB; files a specification names may hold at most 64 MiB/);
  });
});
