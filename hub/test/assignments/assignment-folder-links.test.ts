// From the attacker's side: an assignment folder a professor adds (a copy
// from someone else, an archive unpacked with links in it) must not turn a
// host file into test data, starter files or a description. The real
// `classpod-hub assignment add` refuses it, naming the link, and stores nothing.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HUB_CLI, hubCli } from '../support/hub-process';
import { DEMO_COURSE_DIR } from '../support/test-hub';

describe('assignment folders refuse symbolic links', function () {
  this.timeout(60_000);
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'classpod-hub-links-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const add = (folder: string): { status: number | null; out: string; err: string } => {
    const r = spawnSync(process.execPath, [HUB_CLI, 'assignment', 'add', '--data', join(work, 'data'), '--course', 'cs202', '--folder', folder, '--id', 'leaky'], { encoding: 'utf8' });
    return { status: r.status, out: r.stdout, err: r.stderr };
  };

  /** A copy of the demo C assignment with one file replaced by a link to a host file. */
  const leakyCopy = (rel: string, target: string): string => {
    const folder = join(work, 'leaky');
    cpSync(join(DEMO_COURSE_DIR, 'assignments', 'c-sum'), folder, { recursive: true });
    rmSync(join(folder, rel), { force: true });
    symlinkSync(target, join(folder, rel));
    return folder;
  };

  beforeEach(() => {
    hubCli(['course', 'create', '--data', join(work, 'data'), '--id', 'cs202', '--title', 'Data structures']);
  });

  it('refuses a test output linked to /etc/passwd, naming the file, and stores no assignment', () => {
    const folder = leakyCopy('grading/tests/small.out', '/etc/passwd');
    const r = add(folder);
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.err, /leaky\/grading\/tests\/small\.out is a symbolic link; assignment folders may not hold links/);
    assert.doesNotMatch(r.err + r.out, /root:x:0:0/);
    assert.ok(!r.err.includes(work), `the refusal shows a host path: ${r.err}`);
    assert.match(hubCli(['status', '--data', join(work, 'data')]), /cs202 .* 0 assignments/);
  });

  it('refuses a linked README and a linked starter file the same way', () => {
    let r = add(leakyCopy('README.md', '/etc/hostname'));
    assert.match(r.err, /leaky\/README\.md is a symbolic link/);
    rmSync(join(work, 'leaky'), { recursive: true, force: true });
    r = add(leakyCopy('starter/sum.c', '/etc/hostname'));
    assert.match(r.err, /leaky\/starter\/sum\.c is a symbolic link/);
  });

  it('still adds the same folder without the link', () => {
    const folder = join(work, 'clean');
    cpSync(join(DEMO_COURSE_DIR, 'assignments', 'c-sum'), folder, { recursive: true });
    writeFileSync(join(folder, 'README.md'), '# Sum\n');
    const r = add(folder);
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, /assignment leaky: /);
  });
});
