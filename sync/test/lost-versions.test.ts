// The ways a saved version used to be lost, or junk left behind, each as the
// smallest history that showed it: a restore after a cycle whose answer was
// lost, a save landing while sync placed the same file, two conflict copies
// of one file within one second, and temporary files left by a kill.

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { namesUnder } from '@classpod/test-support';
import { FsReplica, hashBytes, isTempName, TreeJail } from '../src';
import { put, read, snapshot, SyncPair } from './fixtures/sync-pair';

const NOW = new Date('2026-11-24T18:15:09Z');

/** Every file's content in a tree, for "is this version still somewhere". */
async function contents(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const [p, e] of await snapshot(root)) if (e.kind === 'file') out.push((await read(root, p))!);
  return out.sort();
}

/** `notes` synced, then deleted on the local side, and the answer to that deletion lost: the workspace applied it, the local side never heard. */
async function deletionWhoseAnswerWasLost(pair: SyncPair): Promise<void> {
  await put(pair.local, 'notes', 'v1\n');
  await pair.settle();
  await fs.rm(path.join(pair.local, 'notes'));
  pair.pipe!.cutAround = { method: 'sync/apply', at: 'reply' };
  await assert.rejects(pair.session!.syncNow());
  assert.equal(await read(pair.remote, 'notes'), undefined, 'the deletion reached the workspace');
}

/** `a.txt` synced as v1, then edited to v2 on the local side only. */
async function editedAfterSync(pair: SyncPair): Promise<void> {
  await put(pair.local, 'a.txt', 'v1\n');
  await pair.settle();
  await put(pair.local, 'a.txt', 'v2\n');
}

/** `a.txt` synced as `base`, then edited on both sides before the next cycle. */
async function editedOnBothSides(pair: SyncPair, local: string, remote: string): Promise<void> {
  await put(pair.local, 'a.txt', 'base\n');
  await pair.settle();
  await put(pair.local, 'a.txt', local);
  await put(pair.remote, 'a.txt', remote);
}

/** The local side undoes the edit (back to v1): v1 keeps the name and v2, which the workspace got, stays as a conflict copy on both sides. */
async function undoKeepsBothVersions(pair: SyncPair): Promise<void> {
  await put(pair.local, 'a.txt', 'v1\n'); // git checkout a.txt
  await pair.settle();
  assert.equal(await read(pair.local, 'a.txt'), 'v1\n', 'the undo keeps the name');
  assert.deepEqual(await contents(pair.local), ['v1\n', 'v2\n'], 'the version the workspace got is kept as a conflict copy');
  assert.deepEqual(await contents(pair.remote), ['v1\n', 'v2\n']);
}

/** Kill the local side before its deferred ancestor save (nothing more of the process reaches the disk) and start it again. */
async function restartLocalWithoutSavingAncestor(pair: SyncPair): Promise<void> {
  (pair.session as unknown as { flushAncestor(): Promise<void> }).flushAncestor = async () => undefined;
  await pair.restartLocal();
}

describe('versions that used to be lost', () => {
  let pair: SyncPair;
  afterEach(() => pair?.dispose());

  it('a deletion whose answer was lost, then the file restored byte for byte, keeps the restore', async () => {
    pair = await SyncPair.create();
    await deletionWhoseAnswerWasLost(pair);
    await put(pair.local, 'notes', 'v1\n'); // undo, offline
    await pair.settle();
    assert.equal(await read(pair.local, 'notes'), 'v1\n');
    assert.equal(await read(pair.remote, 'notes'), 'v1\n');
  });

  it('the same, when the local side is killed before it heard the answer', async () => {
    pair = await SyncPair.create();
    await deletionWhoseAnswerWasLost(pair);
    await pair.restartLocal();
    await put(pair.local, 'notes', 'v1\n');
    await pair.settle();
    assert.equal(await read(pair.remote, 'notes'), 'v1\n');
  });

  it('an edit whose answer was lost, then undone on that side, keeps both versions', async () => {
    pair = await SyncPair.create({ now: () => NOW });
    await editedAfterSync(pair);
    pair.pipe!.cutAround = { method: 'sync/apply', at: 'reply' };
    await assert.rejects(pair.session!.syncNow());
    assert.equal(await read(pair.remote, 'a.txt'), 'v2\n');
    await undoKeepsBothVersions(pair);
  });

  it('two conflicts on one file within one second, the second in a focused cycle, keep both losing versions', async () => {
    pair = await SyncPair.create({ now: () => NOW });
    await editedOnBothSides(pair, 'L1\n', 'R1\n');
    await pair.sync();
    await put(pair.local, 'a.txt', 'L2\n');
    await put(pair.remote, 'a.txt', 'R2\n');
    await pair.session!.syncNow({ paths: ['a.txt'] });
    await pair.settle();
    const held = await contents(pair.local);
    for (const v of ['L2\n', 'R1\n', 'R2\n']) assert.ok(held.includes(v), `${v.trim()} is kept (the tree holds ${held.map((x) => x.trim()).join(', ')})`);
    assert.deepEqual(await contents(pair.remote), held);
  });

  it('a temporary file left by a kill is removed on the next start, so its folder can be deleted', async () => {
    pair = await SyncPair.create();
    await put(pair.local, 'd/x', 'x\n');
    await pair.settle();
    // The workspace side was killed between writing a temporary file and renaming it.
    const leftover = path.join(pair.remote, 'd', '.x.classpod-tmp-00112233aabbccdd');
    await fs.writeFile(leftover, 'half of a file');
    await fs.utimes(leftover, new Date('2020-01-01'), new Date('2020-01-01'));
    await pair.restartWorkspace();
    await fs.rm(path.join(pair.local, 'd'), { recursive: true });
    await pair.settle();
    assert.equal(await fs.stat(path.join(pair.remote, 'd')).then(() => true, () => false), false, 'the folder was deleted on the workspace');
    assert.deepEqual(await namesUnder(pair.remote, isTempName), []);
  });
});

describe('a save landing while sync changes the same file', () => {
  let base: string;
  let replica: FsReplica;
  beforeEach(async () => {
    base = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'classpod-guard-'));
    replica = await FsReplica.open(path.join(base, 'tree'), { stateDir: path.join(base, 'state') });
  });
  afterEach(async () => {
    await replica.close();
    await fs.rm(base, { recursive: true, force: true });
  });

  it('is kept when it lands after the check and before the rename', async () => {
    await put(replica.root, 'f', 'old\n');
    const jail: TreeJail = replica.tree;
    const checked = (await replica.scanner.entryAndStat('f')).stat!;
    assert.ok(await replica.staging.stageBytes(hashBytes('theirs\n'), Buffer.from('theirs\n')));
    await fs.writeFile(path.join(replica.root, 'f'), 'mine!\n'); // the student saves now
    const r = await jail.placeFile('f', replica.staging.complete(hashBytes('theirs\n')), 0o644, { move: true, expect: checked });
    assert.equal(r.outcome, 'changed');
    assert.equal(await read(replica.root, 'f'), 'mine!\n');
    assert.ok(await replica.staging.has(hashBytes('theirs\n')), 'the staged content is still there for the next cycle');
    assert.deepEqual(await namesUnder(replica.root, isTempName), []);
  });

  it('is kept when a new file is saved at a name sync was about to create', async () => {
    assert.ok(await replica.staging.stageBytes(hashBytes('theirs\n'), Buffer.from('theirs\n')));
    await put(replica.root, 'f', 'mine\n');
    const r = await replica.tree.placeFile('f', replica.staging.complete(hashBytes('theirs\n')), 0o644, { move: false, expect: null });
    assert.equal(r.outcome, 'changed');
    assert.equal(await read(replica.root, 'f'), 'mine\n');
  });

  it('a removal checked before the save does not remove it', async () => {
    await put(replica.root, 'f', 'old\n');
    const checked = (await replica.scanner.entryAndStat('f')).stat!;
    await fs.writeFile(path.join(replica.root, 'f'), 'new!\n');
    assert.equal(await replica.tree.removeIfUnchanged('f', checked), 'changed');
    assert.equal(await read(replica.root, 'f'), 'new!\n');
  });

  it('an apply stopped because the other side failed makes no change', async () => {
    await put(replica.root, 'f', 'old\n');
    const stop = new AbortController();
    stop.abort();
    const results = await replica.apply([{ path: 'f', old: { kind: 'file', hash: hashBytes('old\n'), size: 4 }, new: null }], { signal: stop.signal });
    assert.equal(results[0]!.status, 'failed');
    assert.equal(await read(replica.root, 'f'), 'old\n');
  });
});

describe('both sides of a cycle stop together when one apply fails', () => {
  let pair: SyncPair;
  let restore: (() => void) | undefined;
  afterEach(async () => {
    restore?.();
    restore = undefined;
    await pair?.dispose();
  });

  /** A cycle that changes both sides: `up` goes to the workspace, `down` comes to the local side. */
  async function bothSidesChanged(): Promise<void> {
    pair = await SyncPair.create({ now: () => NOW });
    await put(pair.local, 'up.txt', 'up v1\n');
    await put(pair.local, 'down.txt', 'down v1\n');
    await pair.settle();
    await put(pair.local, 'up.txt', 'up v2\n');
    await put(pair.remote, 'down.txt', 'down v2\n');
  }

  for (const at of ['request', 'reply'] as const) {
    it(`the local side changes nothing when the workspace's apply fails (connection cut before the ${at === 'request' ? 'request arrived' : 'answer came back'})`, async () => {
      await bothSidesChanged();
      pair.pipe!.cutAround = { method: 'sync/apply', at };
      await assert.rejects(pair.session!.syncNow());
      assert.equal(await read(pair.local, 'down.txt'), 'down v1\n', 'the local side made no change');
      assert.equal(await read(pair.local, 'up.txt'), 'up v2\n');
      assert.equal(await read(pair.remote, 'up.txt'), at === 'request' ? 'up v1\n' : 'up v2\n');
      await pair.settle();
      assert.equal(await read(pair.local, 'down.txt'), 'down v2\n');
      assert.equal(await read(pair.remote, 'up.txt'), 'up v2\n');
      // Whether the workspace got the request is unknown, so its old `up` may be kept as a conflict copy too.
      const held = await contents(pair.local);
      for (const v of ['down v2\n', 'up v2\n']) assert.ok(held.includes(v), `${v.trim()} is kept`);
      assert.deepEqual(await contents(pair.remote), held);
    });
  }

  it('the workspace overwrites nothing when the local apply fails while conflict copies are made', async () => {
    pair = await SyncPair.create({ now: () => NOW });
    await editedOnBothSides(pair, 'local edit\n', 'workspace edit\n');
    // The local side's apply fails outright (say, its disk went away) on the first step of the cycle.
    const local = pair.local;
    const original = FsReplica.prototype.apply;
    let failures = 0;
    FsReplica.prototype.apply = async function (this: FsReplica, ...args: Parameters<FsReplica['apply']>) {
      if (this.root === local && args[0].length > 0 && failures++ === 0) throw new Error('EIO: the local disk went away');
      return original.apply(this, args);
    };
    restore = () => (FsReplica.prototype.apply = original);
    await assert.rejects(pair.session!.syncNow(), /local disk went away/);
    assert.equal(failures, 1);
    assert.equal(await read(pair.remote, 'a.txt'), 'workspace edit\n', 'the workspace kept its version at its name');
    assert.equal(await read(pair.local, 'a.txt'), 'local edit\n');
    restore();
    restore = undefined;
    await pair.settle();
    assert.deepEqual(await contents(pair.local), ['local edit\n', 'workspace edit\n'], 'no version was lost');
    assert.deepEqual(await contents(pair.remote), ['local edit\n', 'workspace edit\n']);
  });
});

describe('an edit cycle whose ancestor is saved later', () => {
  let pair: SyncPair;
  afterEach(() => pair?.dispose());

  it('keeps an undo made after the local side was killed before the ancestor was saved', async () => {
    pair = await SyncPair.create({ now: () => NOW });
    await editedAfterSync(pair);
    await pair.session!.syncNow({ paths: ['a.txt'] });
    assert.equal(await read(pair.remote, 'a.txt'), 'v2\n');
    await restartLocalWithoutSavingAncestor(pair);
    await undoKeepsBothVersions(pair);
  });

  it('saves the ancestor soon after, so a later undo is an ordinary edit', async () => {
    pair = await SyncPair.create({ now: () => NOW });
    await editedAfterSync(pair);
    await pair.session!.syncNow({ paths: ['a.txt'] });
    const inDoubt = path.join(pair.stateDir, 'in-doubt.json');
    for (const deadline = Date.now() + 30_000; await fs.stat(inDoubt).then(() => true, () => false); ) {
      assert.ok(Date.now() < deadline, 'the ancestor was saved and nothing is in doubt');
      await new Promise((r) => setTimeout(r, 50));
    }
    await restartLocalWithoutSavingAncestor(pair);
    await put(pair.local, 'a.txt', 'v1\n');
    await pair.settle();
    assert.deepEqual(await contents(pair.local), ['v1\n']);
    assert.deepEqual(await contents(pair.remote), ['v1\n']);
  });
});
