// From the attacker's side: a 200 MB "source file" must be refused by name
// before it is read. Measured honestly on the real command: the peak memory
// of `classpod-grade` grading a folder with a 200 MB (sparse) sum.c stays far
// below 200 MB, and the compile error names the file.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEMO_ASSIGNMENTS, GRADER_ROOT, useTempDirs } from '../temp-dir';
import { skipWithoutTool } from '@classpod/test-support';

const SPEC = path.join(DEMO_ASSIGNMENTS, 'c-sum', 'grading', 'spec.yaml');
const GNU_TIME = '/usr/bin/time';

describe('source size limits', function () {
  this.timeout(60000);
  const tmp = useTempDirs();

  it('refuses a 200 MB source file by name without reading it (peak memory of the real command)', function () {
    if (!existsSync(GNU_TIME)) skipWithoutTool(this, `${GNU_TIME} is not installed (apt-get install time), so peak memory cannot be measured`);
    const dir = tmp.dir();
    const submission = path.join(dir, 'submission');
    mkdirSync(submission);
    const big = path.join(submission, 'sum.c');
    writeFileSync(big, '');
    truncateSync(big, 200 * 1024 * 1024); // sparse: no blocks on disk, 200 MB when read
    const r = spawnSync(
      GNU_TIME,
      ['-f', 'peak-rss-kb=%M', process.execPath, path.join(GRADER_ROOT, 'bin', 'classpod-grade'), '--spec', SPEC, '--submission', submission, '--sandbox', 'none', '--json'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { compile: { status: string; output: string }; score: number };
    assert.equal(result.compile.status, 'CE');
    assert.match(result.compile.output, /^source file sum\.c is 200 MiB; a submission's sources may hold at most 16 MiB/);
    assert.equal(result.score, 0);
    const peakKb = Number(/peak-rss-kb=(\d+)/.exec(r.stderr)?.[1]);
    assert.ok(peakKb > 0, `no peak memory in ${r.stderr}`);
    // Node itself needs about 60 MB; reading the file would add 200 MB.
    assert.ok(peakKb < 150 * 1024, `classpod-grade peaked at ${Math.round(peakKb / 1024)} MB: the file was read`);
  });
});
