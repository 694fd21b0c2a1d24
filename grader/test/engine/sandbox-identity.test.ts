// The build cache is keyed by the sandbox's identity, not its name: after a
// real isolate was installed, its first grading reused a build made earlier
// by another program called "isolate". Two different programs named
// `isolate` (stand-ins that print the same version line) must each build.

import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BuildCache, gradeSubmission, loadSpec, sandboxIdentity } from '../../src';
import { IsolateSandbox } from '../../src/sandboxes/isolate-sandbox';
import { DEMO_ASSIGNMENTS, useTempDirs } from '../temp-dir';

describe('sandbox identity', function () {
  this.timeout(120000);
  const tmp = useTempDirs();

  /** A program called `isolate` (the test stand-in); `variant` makes its file differ, not its output. */
  function isolateProgram(variant: string): string {
    const dir = path.join(tmp.dir(), variant);
    mkdirSync(dir);
    const command = path.join(dir, 'isolate');
    writeFileSync(
      command,
      [
        '#!/bin/sh',
        `# ${variant}`,
        `FAKE_ISOLATE_ROOT='${path.join(dir, 'boxes')}' FAKE_ISOLATE_LOG='${path.join(dir, 'calls.log')}' FAKE_ISOLATE_FIXTURES='/nonexistent' FAKE_ISOLATE_NO_CG=1 \\`,
        `  exec '${process.execPath}' '${path.join(__dirname, '..', 'sandboxes', 'fake-isolate.js')}' "$@"`,
        '',
      ].join('\n'),
    );
    chmodSync(command, 0o755);
    return command;
  }

  it('tells two programs called isolate apart, and does not reuse one’s build for the other', async () => {
    const spec = loadSpec(path.join(DEMO_ASSIGNMENTS, 'c-sum', 'grading', 'spec.yaml'));
    const solution = path.join(DEMO_ASSIGNMENTS, 'c-sum', 'solution');
    const cache = new BuildCache(path.join(tmp.dir(), 'cache'));
    const first = new IsolateSandbox({ command: isolateProgram('first'), poolSize: 2 });
    const second = new IsolateSandbox({ command: isolateProgram('second'), poolSize: 2 });
    try {
      const [a, b] = [await sandboxIdentity(first), await sandboxIdentity(second)];
      assert.equal(a.name, 'isolate');
      assert.equal(a.version, 'The process isolator 2.6 (fake)');
      assert.equal(b.version, a.version, 'both print the same version line');
      assert.notEqual(a.hash, b.hash, 'two different programs got one identity');
      const byFirst = await gradeSubmission(spec, solution, { sandbox: first, buildCache: cache });
      assert.equal(byFirst.compile.cached, false);
      assert.equal(byFirst.score, byFirst.maxScore);
      const bySecond = await gradeSubmission(spec, solution, { sandbox: second, buildCache: cache });
      assert.equal(bySecond.compile.cached, false, 'build: OK (cached) — made by the other program called isolate');
      assert.notEqual(bySecond.provenance!.buildKey, byFirst.provenance!.buildKey);
      const again = await gradeSubmission(spec, solution, { sandbox: second, buildCache: cache });
      assert.equal(again.compile.cached, true, 'the same sandbox reuses its own build');
    } finally {
      await first.dispose();
      await second.dispose();
    }
  });
});
