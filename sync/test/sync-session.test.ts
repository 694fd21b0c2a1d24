import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { sameEntry, SyncSession } from '../src';
import { put, read, snapshot, SyncPair } from './fixtures/sync-pair';

async function assertSameTrees(pair: SyncPair): Promise<void> {
  const a = await snapshot(pair.local);
  const b = await snapshot(pair.remote);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const p of paths) assert.ok(sameEntry(a.get(p), b.get(p)), `${p}: local ${JSON.stringify(a.get(p))} workspace ${JSON.stringify(b.get(p))}`);
}

describe('SyncSession over an in-process connection', () => {
  let pair: SyncPair;
  afterEach(() => pair?.dispose());

  it('copies a local tree to an empty workspace and back', async () => {
    pair = await SyncPair.create();
    await put(pair.local, 'src/main.c', 'int main(){}\n');
    await put(pair.local, 'run.sh', '#!/bin/sh\n', 0o755);
    await fs.symlink('src/main.c', path.join(pair.local, 'main-link'));
    await put(pair.remote, 'README.md', '# hello\n');
    await pair.settle();
    assert.equal(await read(pair.remote, 'src/main.c'), 'int main(){}\n');
    assert.equal(await read(pair.local, 'README.md'), '# hello\n');
    assert.equal(((await fs.stat(path.join(pair.remote, 'run.sh'))).mode & 0o100) !== 0, true);
    assert.equal(await fs.readlink(path.join(pair.remote, 'main-link')), 'src/main.c');
    await assertSameTrees(pair);
  });

  it('resumes a transfer cut in the middle from the bytes already received', async () => {
    pair = await SyncPair.create();
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
    await put(pair.local, 'data/big.bin', big);
    const pipe = await pair.connect();
    pipe.cutAfterBinaryBytes = 1024 * 1024;
    await assert.rejects(pair.session!.syncNow());
    await pair.restartLocal();
    await pair.restartWorkspace();
    const reports = await pair.settle();
    const sent = reports.reduce((n, r) => n + r.bytesUploaded, 0);
    assert.ok(sent < big.length - 512 * 1024, `only the rest was sent after the cut (${sent} bytes)`);
    assert.deepEqual(await fs.readFile(path.join(pair.remote, 'data/big.bin')), big);
  });

  it('resumes a download cut in the middle after the local side restarts', async () => {
    pair = await SyncPair.create();
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32BE(i, i);
    await put(pair.remote, 'data/from-workspace.bin', big);
    const pipe = await pair.connect();
    pipe.cutAfterBinaryBytes = 1536 * 1024;
    await assert.rejects(pair.session!.syncNow());
    await pair.restartLocal();
    const reports = await pair.settle();
    const received = reports.reduce((n, r) => n + r.bytesDownloaded, 0);
    assert.ok(received < big.length - 1024 * 1024, `only the rest was received after the cut (${received} bytes)`);
    assert.deepEqual(await fs.readFile(path.join(pair.local, 'data/from-workspace.bin')), big);
  });

  it('refuses a state folder inside the synced folder', async () => {
    pair = await SyncPair.create();
    await assert.rejects(
      SyncSession.open({ root: pair.local, stateDir: path.join(pair.local, '.state'), remoteRoot: 'x', watch: false }),
      /must lie outside the synced folder/,
    );
  });
});
