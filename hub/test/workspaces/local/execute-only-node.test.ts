// The execute-only copy of node that sandboxed agents run from: made with the
// packages' one atomic writer, mode 0111, the source's size and modification
// time, reused while the source is unchanged and made again when it changes,
// with no temporary file left beside it.

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTempName } from '@classpod/sync';
import { namesUnder } from '@classpod/test-support';
import { EXECUTE_ONLY, ensureExecuteOnlyNode } from '../../../src/workspaces/local/execute-only-node';

/** The content of an execute-only file (its owner may read it after a chmod; root may anyway). */
async function readExecuteOnly(file: string): Promise<Buffer> {
  await fs.chmod(file, 0o400);
  try {
    return await fs.readFile(file);
  } finally {
    await fs.chmod(file, EXECUTE_ONLY);
  }
}

describe('the execute-only copy of node', function () {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'classpod-exec-only-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('copies the program with mode 0111 and its times, reuses it while unchanged, and leaves no temporary file', async () => {
    const source = join(dir, 'program');
    await fs.writeFile(source, Buffer.alloc(3 * 1024 * 1024 + 17, 7), { mode: 0o755 });
    await fs.utimes(source, new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
    const run = join(dir, 'run');
    await fs.mkdir(run);

    const copy = await ensureExecuteOnlyNode(run, source);
    assert.equal(copy, join(run, 'node'));
    const st = await fs.stat(copy);
    assert.equal(st.mode & 0o7777, EXECUTE_ONLY);
    assert.equal(st.size, 3 * 1024 * 1024 + 17);
    assert.equal(st.mtime.toISOString(), '2026-01-02T03:04:05.000Z');
    assert.deepEqual(await readExecuteOnly(copy), await fs.readFile(source));

    await ensureExecuteOnlyNode(run, source);
    assert.equal((await fs.stat(copy)).ino, st.ino, 'an up-to-date copy was made again');

    await fs.writeFile(source, 'a new node\n');
    await ensureExecuteOnlyNode(run, source);
    assert.equal((await readExecuteOnly(copy)).toString('utf8'), 'a new node\n');
    assert.equal((await fs.stat(copy)).mode & 0o7777, EXECUTE_ONLY);
    assert.deepEqual(await namesUnder(run, isTempName), []);
    assert.deepEqual(await fs.readdir(run), ['node']);
  });
});
