// Skips as a person reading the test output sees them: every skipped test
// names its reason, from a test or a hook; under CI a missing tool fails.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const MOCHA = require.resolve('mocha/bin/mocha.js');
const SUITE = path.join(__dirname, 'fixtures', 'skipping-suite.js');

function runSuite(env: NodeJS.ProcessEnv): { status: number | null; out: string } {
  const rest = { ...process.env };
  delete rest.CI;
  const r = spawnSync(process.execPath, [MOCHA, '--no-config', '--reporter', 'spec', SUITE], { encoding: 'utf8', env: { ...rest, ...env }, timeout: 60_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('skips that say why', function () {
  this.timeout(60_000);

  it('prints the reason beside every skipped test, whether it skipped itself or a hook skipped it', () => {
    const { status, out } = runSuite({});
    assert.equal(status, 0, out);
    for (const line of [
      '- needs a tool [skipped: frobnicate is not installed]',
      '- cannot run on one core [skipped: this machine has 1 core]',
      '- first [skipped: python3 is not installed]',
      '- second [skipped: python3 is not installed]',
      '- each [skipped: isolate runs on grader VMs]',
    ]) {
      assert.ok(out.includes(line), `missing "${line}" in:\n${out}`);
    }
    assert.match(out, /1 passing/);
    assert.match(out, /5 pending/);
  });

  it('under CI=true fails a test whose tool is missing, naming it, and still skips what CI cannot have', () => {
    const { status, out } = runSuite({ CI: 'true' });
    assert.equal(status, 2, out);
    assert.match(out, /frobnicate is not installed \(CI must provide it\)/);
    assert.match(out, /python3 is not installed \(CI must provide it\)/);
    assert.ok(out.includes('- cannot run on one core [skipped: this machine has 1 core]'), out);
    assert.ok(out.includes('- each [skipped: isolate runs on grader VMs]'), out);
  });

  it('takes CI=false or an empty CI for a run outside CI', () => {
    for (const CI of ['false', '0', '']) assert.equal(runSuite({ CI }).status, 0, `CI=${CI}`);
  });
});
