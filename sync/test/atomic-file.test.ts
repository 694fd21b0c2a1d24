// The atomic writer: old content until commit, no temporary file left, exact
// modes, and temporary names that are unique and created exclusively.

import assert from 'node:assert/strict';
import { linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AtomicFile, HeldFolder, isTempName, writeFileAtomic } from '../src';

describe('atomic writes', () => {
  let dir: string;
  let folder: HeldFolder;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'classpod-atomic-'));
    folder = await HeldFolder.open(dir);
  });
  afterEach(async () => {
    await folder.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the old content until commit, then the whole new content', async () => {
    const target = path.join(dir, 'main.c');
    writeFileSync(target, 'old');
    const file = await AtomicFile.create(folder, 'main.c', 0o640);
    await file.write(Buffer.from('new '));
    assert.equal(readFileSync(target, 'utf8'), 'old', 'half-written content never shows');
    await file.write(Buffer.from('content'));
    await file.commit();
    assert.equal(readFileSync(target, 'utf8'), 'new content');
    assert.equal(statSync(target).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(dir), ['main.c']);
  });

  it('leaves the target untouched and no temporary file when aborted', async () => {
    const target = path.join(dir, 'notes.txt');
    writeFileSync(target, 'keep me');
    const file = await AtomicFile.create(folder, 'notes.txt', 0o644);
    await file.write(Buffer.alloc(100_000, 7));
    assert.ok(readdirSync(dir).some(isTempName), 'the content goes to a temporary file beside the target');
    await file.abort();
    assert.equal(readFileSync(target, 'utf8'), 'keep me');
    assert.deepEqual(readdirSync(dir), ['notes.txt']);
  });

  it('creates a file that did not exist, at a trusted path', async () => {
    await writeFileAtomic(path.join(dir, 'fresh.bin'), Buffer.from([0, 1, 2, 255]), { mode: 0o600 });
    assert.deepEqual([...readFileSync(path.join(dir, 'fresh.bin'))], [0, 1, 2, 255]);
    assert.equal(statSync(path.join(dir, 'fresh.bin')).mode & 0o777, 0o600);
  });

  it('replaces a hard-linked file and a link by rename, leaving their targets alone', async () => {
    writeFileSync(path.join(dir, 'other.txt'), 'other');
    linkSync(path.join(dir, 'other.txt'), path.join(dir, 'hard.txt'));
    symlinkSync('other.txt', path.join(dir, 'soft.txt'));
    for (const name of ['hard.txt', 'soft.txt']) {
      const file = await AtomicFile.create(folder, name, 0o644);
      await file.write(Buffer.from('mine'));
      await file.commit();
    }
    assert.equal(readFileSync(path.join(dir, 'other.txt'), 'utf8'), 'other');
    assert.equal(statSync(path.join(dir, 'other.txt')).nlink, 1);
    assert.equal(readFileSync(path.join(dir, 'soft.txt'), 'utf8'), 'mine');
  });

  it('gives every temporary file a fresh name', async () => {
    const files = await Promise.all(Array.from({ length: 20 }, () => AtomicFile.create(folder, 'same.txt', 0o644)));
    assert.equal(readdirSync(dir).filter(isTempName).length, 20);
    await Promise.all(files.map((f) => f.abort()));
    assert.deepEqual(readdirSync(dir), []);
  });
});
