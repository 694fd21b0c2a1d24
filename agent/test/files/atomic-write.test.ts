import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AtomicFile, isTempName, writeFileAtomic } from '../../src/files/atomic-write';
import { cleanup, tempDir } from '../helpers';

describe('atomic writes', () => {
  afterEach(cleanup);

  it('shows the old content until commit, then the whole new content', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'main.c');
    writeFileSync(target, 'old');
    const file = await AtomicFile.create(target, 0o640);
    await file.write(Buffer.from('new '));
    assert.equal(readFileSync(target, 'utf8'), 'old', 'half-written content never shows');
    await file.write(Buffer.from('content'));
    await file.commit();
    assert.equal(readFileSync(target, 'utf8'), 'new content');
    assert.equal(statSync(target).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(dir), ['main.c']);
  });

  it('leaves the target untouched and no temporary file when aborted', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'notes.txt');
    writeFileSync(target, 'keep me');
    const file = await AtomicFile.create(target, 0o644);
    await file.write(Buffer.alloc(100_000, 7));
    assert.ok(readdirSync(dir).some(isTempName), 'the content goes to a temporary file beside the target');
    await file.abort();
    assert.equal(readFileSync(target, 'utf8'), 'keep me');
    assert.deepEqual(readdirSync(dir), ['notes.txt']);
  });

  it('creates a file that did not exist', async () => {
    const dir = tempDir();
    await writeFileAtomic(path.join(dir, 'fresh.bin'), Buffer.from([0, 1, 2, 255]), 0o600);
    assert.deepEqual([...readFileSync(path.join(dir, 'fresh.bin'))], [0, 1, 2, 255]);
    assert.equal(statSync(path.join(dir, 'fresh.bin')).mode & 0o777, 0o600);
  });
});
