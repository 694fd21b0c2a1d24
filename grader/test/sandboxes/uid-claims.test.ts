// Two graders on one machine with different TMPDIRs (a worker and a test run,
// say) must never run boxes as the same uid: the process limit counts per
// uid, so a shared uid lets one box's fork bomb starve the other. Real
// processes, real claims in the fixed root-owned folder.

import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT_UID_CLAIMS_DIR } from '../../src/sandboxes/uid-claims';
import { GRADER_ROOT, useTempDirs } from '../temp-dir';
import { skipWithoutTool } from '@classpod/test-support';

const CLAIMER = `
const { LocalSandbox } = require(${JSON.stringify(path.join(GRADER_ROOT, 'dist', 'src', 'sandboxes', 'local-sandbox.js'))});
(async () => {
  const sandbox = new LocalSandbox({ poolSize: 8, cgroups: false });
  const boxes = [];
  for (let i = 0; i < 4; i++) boxes.push(await sandbox.openBox());
  process.stdout.write(JSON.stringify({ uids: [...sandbox.usedUids], tmp: require('node:os').tmpdir() }) + '\\n');
  process.stdin.resume();
  process.stdin.on('end', async () => { await sandbox.dispose(); process.exit(0); });
})();
`;

describe('box uid claims', function () {
  this.timeout(60000);
  const tmp = useTempDirs();
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });

  function claimer(tmpDir: string): Promise<{ child: ChildProcess; uids: number[]; tmp: string }> {
    const child = spawn(process.execPath, ['-e', CLAIMER], { env: { ...process.env, TMPDIR: tmpDir }, stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve({ child, ...(JSON.parse(out) as { uids: number[]; tmp: string }) });
      });
      child.on('exit', (code) => reject(new Error(`claimer exited with ${code} before claiming`)));
    });
  }

  it('two graders with different TMPDIRs never claim the same uid', async function () {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) skipWithoutTool(this, 'box uids are claimed by root on Linux only');
    const a = path.join(tmp.dir(), 'a');
    const b = path.join(tmp.dir(), 'b');
    mkdirSync(a);
    mkdirSync(b);
    const first = await claimer(a);
    const second = await claimer(b);
    assert.equal(first.tmp, a);
    assert.equal(second.tmp, b);
    assert.equal(first.uids.length, 4);
    assert.equal(second.uids.length, 4);
    const shared = first.uids.filter((u) => second.uids.includes(u));
    assert.deepEqual(shared, [], `both graders run boxes as ${shared.join(', ')}`);
    // The claims are in the one fixed folder, root's alone, not under either TMPDIR.
    const dir = lstatSync(ROOT_UID_CLAIMS_DIR);
    assert.ok(dir.isDirectory() && dir.uid === 0 && (dir.mode & 0o077) === 0, `${ROOT_UID_CLAIMS_DIR} is not root's alone`);
    for (const uid of [...first.uids, ...second.uids]) {
      const claim = lstatSync(path.join(ROOT_UID_CLAIMS_DIR, String(uid)));
      assert.ok(claim.isFile() && claim.uid === 0);
    }
    for (const c of [first.child, second.child]) {
      const exited = new Promise((r) => c.once('exit', r));
      c.stdin!.end();
      await exited;
    }
  });
});
