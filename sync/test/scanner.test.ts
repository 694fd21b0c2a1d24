import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashBytes, IgnoreRules, linkStaysInside, readIgnorePatterns, scanFolder, TreeJail, TreeScanner, conflictCopyPath, isConflictCopyOf } from '../src';

describe('TreeScanner', () => {
  let root: string;
  let jail: TreeJail;
  beforeEach(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'classpod-scan-'));
    jail = await TreeJail.open(root, { links: 'none' });
  });
  afterEach(async () => {
    await jail.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('hashes each file once, then only files whose size, time or inode changed', async () => {
    for (let i = 0; i < 10; i++) await fs.writeFile(path.join(root, `f${i}`), `content ${i}`);
    const old = new Date(Date.now() - 10_000);
    for (let i = 0; i < 10; i++) await fs.utimes(path.join(root, `f${i}`), old, old);
    // utimes moves the change time to now: records made within the racy window of it are not trusted.
    await new Promise((r) => setTimeout(r, 80));
    const scanner = new TreeScanner(jail);
    const rules = new IgnoreRules([]);
    const first = await scanner.scan(rules);
    assert.equal(first.hashedFiles, 10);
    assert.equal(first.manifest.get('f3')?.hash, hashBytes('content 3'));
    assert.equal((await scanner.scan(rules)).hashedFiles, 0, 'an unchanged tree is not read again');
    await fs.writeFile(path.join(root, 'f3'), 'content X');
    const third = await scanner.scan(rules);
    assert.equal(third.hashedFiles, 1);
    assert.equal(third.manifest.get('f3')?.hash, hashBytes('content X'));
  });

  it('sees a second save of the same size made within the same clock tick', async () => {
    const scanner = new TreeScanner(jail);
    const rules = new IgnoreRules([]);
    await fs.writeFile(path.join(root, 'a'), 'v1');
    await scanner.scan(rules);
    await fs.writeFile(path.join(root, 'a'), 'v2');
    assert.equal((await scanner.scan(rules)).manifest.get('a')?.hash, hashBytes('v2'));
  });

  it('sees a rewrite to bytes of the same size whose mtime was put back (by content, not only the clock)', async () => {
    const file = path.join(root, 'a');
    await fs.writeFile(file, 'v1');
    const old = new Date(Date.now() - 10_000);
    await fs.utimes(file, old, old);
    await new Promise((r) => setTimeout(r, 80));
    const scanner = new TreeScanner(jail);
    const rules = new IgnoreRules([]);
    assert.equal((await scanner.scan(rules)).manifest.get('a')?.hash, hashBytes('v1'));
    // Same size, same inode, same mtime (as `cp -p`, `touch -r` or an undo that keeps times would leave it).
    await fs.writeFile(file, 'v2');
    await fs.utimes(file, old, old);
    assert.equal((await scanner.scan(rules)).manifest.get('a')?.hash, hashBytes('v2'));
  });

  it('removes temporary files left by a writer killed before its rename, and keeps those of writes under way', async () => {
    const stale = path.join(root, '.a.classpod-tmp-0123456789abcdef');
    const fresh = path.join(root, '.b.classpod-tmp-fedcba9876543210');
    await fs.writeFile(stale, 'half');
    await fs.writeFile(fresh, 'being written');
    await fs.utimes(stale, new Date('2020-01-01'), new Date('2020-01-01'));
    const r = await new TreeScanner(jail).scan(new IgnoreRules([]));
    assert.equal(r.manifest.size, 0, 'temporary files are never synced');
    assert.equal(await fs.stat(stale).then(() => true, () => false), false, 'the leftover is gone');
    assert.equal(await fs.stat(fresh).then(() => true, () => false), true, 'a write under way is left alone');
  });

  it('records kind, executable bit and inside links; reports links that leave the root', async () => {
    await fs.mkdir(path.join(root, 'd'));
    await fs.writeFile(path.join(root, 'd/run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    await fs.symlink('run.sh', path.join(root, 'd/link'));
    await fs.symlink('../../x', path.join(root, 'd/out'));
    const r = await scanFolder(root, new IgnoreRules([]));
    assert.deepEqual(r.manifest.get('d'), { kind: 'dir' });
    assert.equal(r.manifest.get('d/run.sh')?.executable, true);
    assert.deepEqual(r.manifest.get('d/link'), { kind: 'symlink', target: 'run.sh' });
    assert.equal(r.manifest.has('d/out'), false);
    assert.deepEqual(r.problems.map((p) => [p.path, p.kind]), [['d/out', 'symlink-outside-root']]);
  });

  it('leaves out ignored paths: defaults, .gitignore and .classpodignore', async () => {
    await fs.mkdir(path.join(root, 'node_modules/x'), { recursive: true });
    await fs.writeFile(path.join(root, 'node_modules/x/i.js'), '');
    await fs.writeFile(path.join(root, '.gitignore'), '*.tmp\n');
    await fs.writeFile(path.join(root, '.classpodignore'), 'private/\n!keep.tmp\n');
    await fs.mkdir(path.join(root, 'private'));
    await fs.writeFile(path.join(root, 'private/p'), '');
    await fs.writeFile(path.join(root, 'a.tmp'), '');
    await fs.writeFile(path.join(root, 'keep.tmp'), '');
    const r = await scanFolder(root, new IgnoreRules(await readIgnorePatterns(root)));
    assert.deepEqual([...r.manifest.keys()].sort(), ['.classpodignore', '.gitignore', 'keep.tmp']);
  });
});

describe('link and conflict names', () => {
  it('tells links that stay inside the root from those that leave it', () => {
    assert.equal(linkStaysInside('a/b', '../c'), true);
    assert.equal(linkStaysInside('a/b', '../../c'), false);
    assert.equal(linkStaysInside('a', '/etc/passwd'), false);
  });

  it('names conflict copies beside the original, keeping the extension, and avoids names in use', () => {
    const at = new Date('2026-11-24T18:15:09Z');
    assert.equal(conflictCopyPath('src/main.c', 'workspace', at, () => false), 'src/main.conflict-workspace-20261124-181509.c');
    assert.equal(conflictCopyPath('.bashrc', 'local', at, () => false), '.bashrc.conflict-local-20261124-181509');
    const taken = new Set(['Makefile.conflict-local-20261124-181509']);
    assert.equal(conflictCopyPath('Makefile', 'local', at, (p) => taken.has(p)), 'Makefile.conflict-local-20261124-181509-2');
    assert.equal(isConflictCopyOf('src/main.conflict-workspace-20261124-181509-2.c', 'src/main.c', 'workspace'), true);
    assert.equal(isConflictCopyOf('src/main.conflict-local-20261124-181509.c', 'src/main.c', 'workspace'), false);
  });
});
