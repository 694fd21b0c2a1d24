// The workspace jail from the attacker's side. The student runs anything in
// their own workspace (links, hard links, FIFOs, loops, long names) and drives
// the agent's files and sync methods over its WebSocket; the agent runs as its
// own process over a workspace beside an outside folder. Each case ends with
// the same checks: the outside folder is unchanged (checksums, modes, no new
// entry), no temporary file is left, no answer shows a host
// path, and the agent still answers a file read.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, promises as fs, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  FileMkdirRequest,
  FileReadRequest,
  FileStatRequest,
  FileWriteRequest,
  ProtocolError,
  SyncApplyRequest,
  SyncDownloadRequest,
  SyncGetRequest,
  SyncOpenRequest,
  SyncPutRequest,
  SyncScanRequest,
  SyncStageRequest,
  SyncUploadRequest,
  type SyncEntry,
} from '@classpod/protocol';
import { cleanup } from '../helpers';
import { assertRefused, drain, prepareAttack, SECRET, SECRET_HASH, sha256, type Attack } from './attacker';

const IGNORE = ['.classpod-sync/'];
const exists = (p: string): boolean => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

describe('the workspace jail, from the attacker’s side (real agent process)', function () {
  this.timeout(30_000);
  let a: Attack;
  beforeEach(async () => {
    a = await prepareAttack();
  });
  afterEach(cleanup);

  it('refuses links made through sync/apply that resolve outside the folder, and makes those that stay inside', async () => {
    // The student's own link to the outside folder, made in their shell.
    symlinkSync(a.outside, path.join(a.root, 'hw/lnk'));
    const replicaId = await a.open('hw');
    const link = (p: string, target: string) => ({ path: p, old: null, new: { kind: 'symlink' as const, target } });
    const { results } = await a.ok(SyncApplyRequest.type, {
      replicaId,
      changes: [
        link('abs', '/etc/passwd'),
        link('up', '../../outside/secret.txt'),
        // Reads as `outside/secret.txt` inside the folder, but `lnk/..` is the outside folder's parent.
        link('via', 'lnk/../outside/secret.txt'),
        link('through', 'lnk/secret.txt'),
        link('good', 'a.txt'),
      ],
    });
    const byPath = new Map(results.map((r) => [r.path, r]));
    for (const p of ['abs', 'up', 'via', 'through']) {
      assert.equal(byPath.get(p)?.status, 'failed', `${p}: ${JSON.stringify(byPath.get(p))}`);
      assert.match(byPath.get(p)?.message ?? '', /outside/, `${p} is refused with a reason`);
      assert.equal(exists(path.join(a.root, 'hw', p)), false, `no link ${p} was made`);
    }
    assert.equal(byPath.get('good')?.status, 'ok');
    assert.equal(readFileSync(path.join(a.root, 'hw/good'), 'utf8'), 'mine\n');
    await a.verify();
  });

  it('sync/scan neither lists nor hashes anything outside the folder through a link', async () => {
    symlinkSync(a.outside, path.join(a.root, 'hw/lnk'));
    symlinkSync('lnk/secret.txt', path.join(a.root, 'hw/via'));
    symlinkSync(path.join(a.outside, 'secret.txt'), path.join(a.root, 'hw/shadow'));
    const replicaId = await a.open('hw');
    const full = await a.ok(SyncScanRequest.type, { replicaId, ignore: IGNORE });
    const leaks = (entries: SyncEntry[]): SyncEntry[] => entries.filter((e) => e.hash === SECRET_HASH || ['lnk', 'via', 'shadow'].includes(e.path.split('/')[0]!));
    assert.deepEqual(leaks(full.entries), [], 'the full scan lists nothing reached through a link');
    assert.deepEqual(
      full.problems.map((p) => p.path).sort(),
      ['lnk', 'shadow', 'via'],
      'each link that leads outside is reported, the one through another link as well',
    );
    const focused = await a.call(SyncScanRequest.type, { replicaId, ignore: IGNORE, paths: ['lnk/secret.txt', 'via', 'lnk'] });
    if (!(focused instanceof ProtocolError)) assert.deepEqual(leaks(focused.entries), [], 'a focused scan lists nothing reached through a link');
    await a.verify();
  });

  it('sync/get and sync/download never follow a link out of the folder', async () => {
    symlinkSync(path.join(a.outside, 'secret.txt'), path.join(a.root, 'hw/shadow'));
    symlinkSync(a.outside, path.join(a.root, 'hw/lnk'));
    const replicaId = await a.open('hw');
    const got = await a.ok(SyncGetRequest.type, {
      replicaId,
      files: [
        { path: 'shadow', hash: SECRET_HASH },
        { path: 'lnk/secret.txt', hash: SECRET_HASH },
      ],
    });
    const { bytes } = await drain(a.endpoint.openStream(got.streamId));
    assert.deepEqual(got.contents, [{ hash: SECRET_HASH }, { hash: SECRET_HASH }], 'neither file is sent');
    assert.equal(bytes.byteLength, 0);
    for (const p of ['shadow', 'lnk/secret.txt']) {
      const r = await a.call(SyncDownloadRequest.type, { replicaId, path: p, hash: SECRET_HASH, offset: 0 });
      assert.ok(r instanceof ProtocolError, `sync/download of ${p} is refused, got ${JSON.stringify(r)}`);
    }
    assertRefused(await a.call(FileReadRequest.type, { path: 'hw/shadow' }), 'Forbidden', 'symlink-escape');
    await a.verify();
  });

  it('sync/stage and sync/apply never copy a file from outside the folder in', async () => {
    // A file the replica saw, swapped for a link to an outside file with the same content.
    writeFileSync(path.join(a.root, 'hw/copy.txt'), SECRET);
    const replicaId = await a.open('hw');
    await a.ok(SyncScanRequest.type, { replicaId, ignore: IGNORE });
    await fs.rm(path.join(a.root, 'hw/copy.txt'));
    symlinkSync(path.join(a.outside, 'secret.txt'), path.join(a.root, 'hw/copy.txt'));
    // And a scan that names a path through a link to the outside folder.
    symlinkSync(a.outside, path.join(a.root, 'hw/lnk'));
    await a.call(SyncScanRequest.type, { replicaId, ignore: IGNORE, paths: ['lnk/secret.txt'] });

    const { missing } = await a.ok(SyncStageRequest.type, { replicaId, needs: [{ hash: SECRET_HASH, size: SECRET.length }] });
    assert.deepEqual(missing, [{ hash: SECRET_HASH, offset: 0 }], 'the content is not copied from the outside file');
    const { results } = await a.ok(SyncApplyRequest.type, {
      replicaId,
      changes: [{ path: 'stolen.txt', old: null, new: { kind: 'file', hash: SECRET_HASH, size: SECRET.length } }],
    });
    assert.equal(results[0]?.status, 'missing-content');
    assert.equal(exists(path.join(a.root, 'hw/stolen.txt')), false);
    await a.verify();
  });

  it('sync/apply and files/write replace a hard-linked file and never touch its outside target', async () => {
    const victim = path.join(a.outside, 'victim.txt');
    linkSync(victim, path.join(a.root, 'hw/hl.txt'));
    linkSync(victim, path.join(a.root, 'hw/hl2.txt'));
    linkSync(victim, path.join(a.root, 'hl3.txt'));
    const replicaId = await a.open('hw');
    const scan = await a.ok(SyncScanRequest.type, { replicaId, ignore: IGNORE });
    const { path: seenPath, ...old } = scan.entries.find((e) => e.path === 'hl.txt')!;
    assert.equal(seenPath, 'hl.txt');
    assert.equal(old.hash, sha256('victim\n'), 'the scan sees the hard link as the file it is');
    // Same content, executable now: the mode change must not reach the outside file.
    const newContent = Buffer.from('new content\n');
    const streamId = a.endpoint.allocateStreamId();
    const stream = a.endpoint.openStream(streamId);
    const put = a.call(SyncPutRequest.type, { replicaId, streamId, contents: [{ hash: sha256(newContent), size: newContent.byteLength }] });
    stream.write(newContent);
    stream.end('ok');
    assert.ok(!((await put) instanceof ProtocolError));
    const { results } = await a.ok(SyncApplyRequest.type, {
      replicaId,
      changes: [
        { path: 'hl.txt', old, new: { ...old, executable: true } },
        { path: 'hl2.txt', old, new: { kind: 'file', hash: sha256(newContent), size: newContent.byteLength } },
      ],
    });
    assert.deepEqual(results.map((r) => r.status), ['ok', 'ok'], JSON.stringify(results));
    assert.equal(statSync(path.join(a.root, 'hw/hl.txt')).mode & 0o777, 0o755);
    assert.equal(readFileSync(path.join(a.root, 'hw/hl.txt'), 'utf8'), 'victim\n');
    assert.equal(readFileSync(path.join(a.root, 'hw/hl2.txt'), 'utf8'), 'new content\n');
    await a.ok(FileWriteRequest.type, { path: 'hl3.txt', contentBase64: Buffer.from('mine now\n').toString('base64') });
    assert.equal(readFileSync(path.join(a.root, 'hl3.txt'), 'utf8'), 'mine now\n');
    assert.equal(statSync(victim).nlink, 1, 'every hard link in the workspace was replaced, none written through');
    await a.verify();
  });

  it('sync/open refuses a folder through a link and a state folder that is a link, before creating anything', async () => {
    symlinkSync(a.outside, path.join(a.root, 'out'));
    assertRefused(await a.call(SyncOpenRequest.type, { root: 'out/newdir' }), 'Forbidden', 'symlink-escape');
    assertRefused(await a.call(SyncOpenRequest.type, { root: 'out' }), 'Forbidden', 'symlink-escape');
    assert.equal(existsSync(path.join(a.outside, 'newdir')), false, 'no folder was made outside');
    // The replica's own state folder, replaced by a link to an outside folder.
    mkdirSync(path.join(a.root, 'hw2'));
    symlinkSync(path.join(a.outside, 'state'), path.join(a.root, 'hw2/.classpod-sync'));
    assertRefused(await a.call(SyncOpenRequest.type, { root: 'hw2' }), 'Forbidden');
    // The same through files/mkdir, for comparison: refused, nothing made.
    assertRefused(await a.call(FileMkdirRequest.type, { path: 'out/other', recursive: true }), 'Forbidden', 'symlink-escape');
    await a.verify();
  });

  it('refuses FIFOs without opening them, and the agent keeps answering', async () => {
    execFileSync('mkfifo', [path.join(a.root, 'hw/pipe')]);
    const replicaId = await a.open('hw');
    // More requests than the agent has file-system threads: one blocked open each would stall the agent.
    const gets = await Promise.all(Array.from({ length: 6 }, () => a.ok(SyncGetRequest.type, { replicaId, files: [{ path: 'pipe', hash: SECRET_HASH }] })));
    for (const g of gets) {
      assert.deepEqual(g.contents, [{ hash: SECRET_HASH }]);
      await drain(a.endpoint.openStream(g.streamId));
    }
    assert.ok((await a.call(SyncDownloadRequest.type, { replicaId, path: 'pipe', hash: SECRET_HASH, offset: 0 })) instanceof ProtocolError);
    assertRefused(await a.call(FileReadRequest.type, { path: 'hw/pipe' }), 'Forbidden', 'special-file');

    // A FIFO where the replica keeps a partial upload.
    execFileSync('mkfifo', [path.join(a.root, `hw/.classpod-sync/staging/${SECRET_HASH}.part`)]);
    const streamId = a.endpoint.allocateStreamId();
    const stream = a.endpoint.openStream(streamId);
    const upload = a.call(SyncUploadRequest.type, { replicaId, hash: SECRET_HASH, size: SECRET.length, offset: 0, streamId });
    stream.write(Buffer.from(SECRET));
    stream.end('ok');
    assert.ok((await upload) instanceof ProtocolError, 'the upload is refused');

    // A FIFO where a replica keeps its scan cache.
    mkdirSync(path.join(a.root, 'hw3/.classpod-sync'), { recursive: true });
    execFileSync('mkfifo', [path.join(a.root, 'hw3/.classpod-sync/scan-cache.json')]);
    await a.call(SyncOpenRequest.type, { root: 'hw3' });
    await a.verify();
  });

  it('names paths relative to the workspace in every error, never host paths', async () => {
    symlinkSync('loop', path.join(a.root, 'hw/loop'));
    const long = 'n'.repeat(300);
    const replicaId = await a.open('hw');
    const answers = [
      await a.call(FileReadRequest.type, { path: 'hw/loop' }),
      await a.call(FileStatRequest.type, { path: 'hw/loop/x' }),
      await a.call(FileWriteRequest.type, { path: 'hw/loop/x', contentBase64: '' }),
      await a.call(FileWriteRequest.type, { path: `hw/${long}`, contentBase64: '' }),
      await a.call(FileMkdirRequest.type, { path: `hw/${long}/x`, recursive: true }),
      await a.call(FileStatRequest.type, { path: `hw/${long}` }),
      await a.call(SyncOpenRequest.type, { root: long }),
      await a.call(SyncScanRequest.type, { replicaId, ignore: IGNORE, paths: ['loop/x', long] }),
      await a.call(SyncApplyRequest.type, {
        replicaId,
        changes: [
          { path: 'loop/x', old: null, new: { kind: 'dir' } },
          { path: long, old: null, new: { kind: 'dir' } },
          { path: 'a.txt/x', old: null, new: { kind: 'dir' } },
          { path: 'twice', old: null, new: { kind: 'dir' } },
          { path: 'twice', old: null, new: { kind: 'symlink', target: 'a.txt' } },
        ],
      }),
    ];
    for (const r of answers.slice(0, 7)) assert.ok(r instanceof ProtocolError, `refused: ${JSON.stringify(r)}`);
    await a.verify();
  });
});
