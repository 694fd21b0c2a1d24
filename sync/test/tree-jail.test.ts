// The tree jail on its own: how paths resolve through links, what is refused
// and why, and that a held folder keeps an operation where it was checked even
// when the folder is swapped for a link afterwards.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProtocolError } from '@classpod/protocol';
import { HeldFolder, TreeJail } from '../src';
import { skipWithoutTool } from '@classpod/test-support';

/** The `reason` of a refusal. */
async function reasonOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ProtocolError, `a protocol error, got ${String(err)}`);
    return (err.data as { reason?: string } | undefined)?.reason ?? `errno:${(err.data as { errno?: string } | undefined)?.errno}`;
  }
  assert.fail('expected a refusal');
}

describe('tree jail', () => {
  let base: string;
  let root: string;
  let outside: string;
  let jail: TreeJail;
  beforeEach(async () => {
    base = mkdtempSync(path.join(os.tmpdir(), 'classpod-jail-unit-'));
    root = path.join(base, 'root');
    outside = path.join(base, 'outside');
    mkdirSync(path.join(root, 'sub/deep'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(path.join(root, 'sub/deep/f.txt'), 'inside');
    writeFileSync(path.join(outside, 'secret'), 'secret');
    jail = await TreeJail.open(root);
  });
  afterEach(async () => {
    await jail.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('follows links that stay inside, relative or absolute, and climbs `..` in a target from where the link led', async () => {
    symlinkSync('sub/deep', path.join(root, 'alias'));
    symlinkSync(path.join(root, 'sub'), path.join(root, 'abs-alias'));
    // `alias/..` is `sub`, where the link led, not the root.
    symlinkSync('alias/../deep/f.txt', path.join(root, 'climb'));
    assert.equal((await jail.readFile('alias/f.txt')).data.toString(), 'inside');
    assert.equal((await jail.readFile('abs-alias/deep/f.txt')).data.toString(), 'inside');
    assert.equal((await jail.readFile('climb')).data.toString(), 'inside');
  });

  it('refuses a link that leaves the root anywhere on the way, however it is spelt', async () => {
    symlinkSync(outside, path.join(root, 'out'));
    symlinkSync('../../outside', path.join(root, 'sub/up'));
    symlinkSync('out/../outside/secret', path.join(root, 'via'));
    symlinkSync('loop', path.join(root, 'loop'));
    assert.equal(await reasonOf(jail.readFile('out/secret')), 'symlink-escape');
    assert.equal(await reasonOf(jail.readFile('sub/up/secret')), 'symlink-escape');
    assert.equal(await reasonOf(jail.readFile('via')), 'symlink-escape');
    assert.equal(await reasonOf(jail.readFile('loop')), 'symlink-loop');
    assert.equal(await reasonOf(jail.mkdir('out/new', { recursive: true })), 'symlink-escape');
    assert.deepEqual(readdirSync(outside), ['secret']);
  });

  it('with links "none", refuses a path through any link, even one inside', async () => {
    symlinkSync('sub', path.join(root, 'alias'));
    const strict = await TreeJail.open(root, { links: 'none' });
    try {
      assert.equal(await reasonOf(strict.readFile('alias/deep/f.txt')), 'symlink');
      assert.equal(await reasonOf(strict.readFile('alias')), 'symlink');
      assert.equal((await strict.entry('alias').then(async (e) => (await e.release(), e.stat?.isSymbolicLink()))), true, 'the link itself is an entry');
    } finally {
      await strict.close();
    }
  });

  it('tells whether a link made at a path would resolve inside, through the links there now', async () => {
    symlinkSync(outside, path.join(root, 'out'));
    symlinkSync('deep', path.join(root, 'sub/in'));
    assert.equal(await jail.linkLeadsInside('sub/l', 'deep/f.txt'), true);
    assert.equal(await jail.linkLeadsInside('sub/l', 'in/../deep/f.txt'), true);
    assert.equal(await jail.linkLeadsInside('sub/l', 'not-yet/x'), true, 'a target that does not exist yet is read as folders');
    assert.equal(await jail.linkLeadsInside('sub/l', 'not-yet/../../../x'), false);
    assert.equal(await jail.linkLeadsInside('l', 'out/secret'), false);
    assert.equal(await jail.linkLeadsInside('l', 'out/../root/sub'), false, 'the text looks inside; the link on the way leads out');
    assert.equal(await jail.linkLeadsInside('l', '/etc/passwd'), false);
    assert.equal(await jail.linkLeadsInside('l', ''), false);
    await assert.rejects(jail.symlink('l', 'out/secret'), (e: ProtocolError) => (e.data as { reason?: string }).reason === 'symlink-escape');
    assert.equal(lstatSync(path.join(root, 'l'), { throwIfNoEntry: false }), undefined);
  });

  it('refuses a FIFO without opening it, and one swapped in after the check without blocking', async () => {
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    assert.equal(await reasonOf(jail.readFile('pipe')), 'special-file');
    // As if the name had been a regular file when it was checked.
    const folder = await HeldFolder.open(root);
    try {
      const regular = statSync(path.join(root, 'sub/deep/f.txt'));
      await assert.rejects(folder.openRead('pipe', regular), (e: NodeJS.ErrnoException) => e.code === 'ESPECIAL');
    } finally {
      await folder.close();
    }
  });

  it('keeps working in the folder it checked when that folder is swapped for a link to the outside', async function () {
    const e = await jail.entry('sub/deep/new.txt');
    try {
      if (!e.folder.anchored) skipWithoutTool(this, 'folders cannot be held through /proc/self/fd here');
      renameSync(path.join(root, 'sub/deep'), path.join(root, 'sub/moved'));
      symlinkSync(outside, path.join(root, 'sub/deep'));
      writeFileSync(e.folder.at(e.name), 'written');
    } finally {
      await e.release();
    }
    assert.deepEqual(readdirSync(outside), ['secret'], 'nothing lands outside');
    assert.equal(readFileSync(path.join(root, 'sub/moved/new.txt'), 'utf8'), 'written');
  });

  it('replaces a hard-linked file on a mode change and removes a tree without following its links', async () => {
    linkSync(path.join(outside, 'secret'), path.join(root, 'hard'));
    const before = statSync(path.join(outside, 'secret')).mode;
    await jail.setMode('hard', 0o755);
    assert.equal(statSync(path.join(outside, 'secret')).mode, before, 'the other name keeps its mode');
    assert.equal(statSync(path.join(outside, 'secret')).nlink, 1);
    assert.equal(statSync(path.join(root, 'hard')).mode & 0o777, 0o755);
    assert.equal(readFileSync(path.join(root, 'hard'), 'utf8'), 'secret');

    symlinkSync(outside, path.join(root, 'sub/out'));
    await jail.remove('sub', { recursive: true });
    assert.deepEqual(readdirSync(outside), ['secret'], 'the link was removed, not what it led to');
    assert.equal(lstatSync(path.join(root, 'sub'), { throwIfNoEntry: false }), undefined);
  });

  it('closes every folder and file it opened, whether the operation succeeded or was refused', async function () {
    if (!existsSync('/proc/self/fd')) skipWithoutTool(this, '/proc/self/fd is missing');
    symlinkSync(outside, path.join(root, 'out'));
    execFileSync('mkfifo', [path.join(root, 'sub/pipe')]);
    const count = (): number => readdirSync('/proc/self/fd').length;
    const before = count();
    for (let i = 0; i < 20; i++) {
      await jail.readFile('sub/deep/f.txt');
      await jail.writeFile(`sub/deep/w${i}.txt`, Buffer.from('w'), { createParents: true });
      await jail.mkdir(`sub/a${i}/b`, { recursive: true });
      await jail.rename(`sub/a${i}`, `sub/c${i}`);
      await jail.remove(`sub/c${i}`, { recursive: true });
      await jail.list('sub/deep');
      await jail.setMode(`sub/deep/w${i}.txt`, 0o755);
      await jail.readFile('out/secret').catch(() => undefined);
      await jail.readFile('sub/pipe').catch(() => undefined);
      await jail.writeFile('sub/deep/f.txt/x', Buffer.from('x')).catch(() => undefined);
      await jail.linkLeadsInside('sub/l', 'deep/../deep/f.txt');
    }
    assert.equal(count(), before);
  });

  it('names paths relative to the root in every error', async () => {
    const long = 'n'.repeat(300);
    const failures = await Promise.all([
      jail.readFile('sub/missing').catch((e: unknown) => e),
      jail.readFile(`sub/${long}`).catch((e: unknown) => e),
      jail.writeFile('sub/deep/f.txt/x', Buffer.from('x')).catch((e: unknown) => e),
      jail.mkdir('sub').catch((e: unknown) => e),
    ]);
    for (const f of failures) {
      assert.ok(f instanceof ProtocolError, String(f));
      assert.ok(!f.message.includes(base), f.message);
    }
  });
});
