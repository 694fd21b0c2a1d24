// `classpod-grader` as an operator starts it by hand: --help explains every
// option and exits 0; a wrong command line gets the usage and exit status 2.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { GRADER_ROOT } from '../temp-dir';

const BIN = path.join(GRADER_ROOT, 'bin', 'classpod-grader');

describe('classpod-grader command', function () {
  this.timeout(60000);

  it('answers --help (and -h) from its installed command with its usage and every option on standard output and exit status 0', () => {
    const short = spawnSync(BIN, ['-h'], { encoding: 'utf8' });
    assert.deepEqual([short.status, short.stderr], [0, '']);
    assert.match(short.stdout, /^usage: classpod-grader --hub URL/);
    const r = spawnSync(BIN, ['--help'], { encoding: 'utf8' });
    assert.deepEqual([r.status, r.stderr], [0, '']);
    assert.match(r.stdout, /^usage: classpod-grader --hub URL --token-file FILE/);
    for (const flag of ['--sandbox', '--concurrency', '--worker-id', '--cache-dir', '--grace-ms', '--max-runs', '--no-pin']) assert.match(r.stdout, new RegExp(`^ {2}${flag} `, 'm'), `--help explains ${flag}`);
  });

  it('answers an unknown option or a missing --hub with its usage and exit status 2', () => {
    for (const args of [['--frobnicate'], ['--token-file', '/dev/null']]) {
      const r = spawnSync(BIN, args, { encoding: 'utf8' });
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, /usage: classpod-grader/);
      assert.equal(r.stdout, '');
    }
  });
});
