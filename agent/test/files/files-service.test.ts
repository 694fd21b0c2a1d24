import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  FILES_INLINE_MAX_BYTES,
  FileChangedNotification,
  FileDeleteRequest,
  FileListRequest,
  FileMkdirRequest,
  FileReadRequest,
  FileReadStreamRequest,
  FileRenameRequest,
  FileStatRequest,
  FileUnwatchRequest,
  FileWatchRequest,
  FileWriteRequest,
  FileWriteStreamRequest,
  ProtocolError,
  type FileChange,
} from '@classpod/protocol';
import { cleanup, collect, startTestAgent, type Connection, type TestAgent } from '../helpers';

describe('files service', () => {
  let t: TestAgent;
  let c: Connection;
  beforeEach(async () => {
    t = await startTestAgent({ maxFileBytes: 8 * 1024 * 1024 });
    c = await t.connect();
  });
  afterEach(cleanup);

  it('writes and reads back binary content byte for byte', async () => {
    const content = Buffer.from(Array.from({ length: 256 * 40 }, (_, i) => i % 256));
    const stat = await c.endpoint.request(FileWriteRequest.type, { path: 'bin/all-bytes.dat', contentBase64: content.toString('base64'), createParents: true });
    assert.equal(stat.size, content.length);
    assert.deepEqual(readFileSync(path.join(t.root, 'bin/all-bytes.dat')), content, 'the file on disk holds exactly the bytes sent');
    const read = await c.endpoint.request(FileReadRequest.type, { path: 'bin/all-bytes.dat' });
    assert.deepEqual(Buffer.from(read.contentBase64, 'base64'), content);
    assert.equal(read.stat.type, 'file');
  });

  it('streams a file larger than the inline limit both ways', async () => {
    const content = randomBytes(FILES_INLINE_MAX_BYTES * 3 + 17);
    const streamId = c.endpoint.allocateStreamId();
    const stream = c.endpoint.openStream(streamId);
    const answer = c.endpoint.request(FileWriteStreamRequest.type, { path: 'big.bin', streamId, size: content.length });
    stream.write(content);
    stream.end('eof');
    assert.equal((await answer).size, content.length);
    assert.deepEqual(readFileSync(path.join(t.root, 'big.bin')), content);

    await assert.rejects(c.endpoint.request(FileReadRequest.type, { path: 'big.bin' }), (e: ProtocolError) => ProtocolError.is(e, 'TooLarge') && /readStream/.test(e.message));
    const r = await c.endpoint.request(FileReadStreamRequest.type, { path: 'big.bin' });
    const got = collect(c.endpoint.openStream(r.streamId));
    assert.equal(await got.ended, 'eof');
    assert.deepEqual(got.bytes(), content);
  });

  it('leaves the old file untouched and no temporary file behind when a streamed write is cut off', async () => {
    writeFileSync(path.join(t.root, 'keep.txt'), 'original');
    const streamId = c.endpoint.allocateStreamId();
    const stream = c.endpoint.openStream(streamId);
    const answer = c.endpoint.request(FileWriteStreamRequest.type, { path: 'keep.txt', streamId, size: 1_000_000 });
    stream.write(Buffer.alloc(300_000, 1));
    stream.end('gave up');
    await assert.rejects(answer, (e: ProtocolError) => ProtocolError.is(e, 'Conflict') && /300000 of 1000000/.test(e.message));
    assert.equal(readFileSync(path.join(t.root, 'keep.txt'), 'utf8'), 'original');
    assert.deepEqual(readdirSync(t.root), ['keep.txt']);

    // A connection that drops mid-write: same outcome.
    const c2 = await t.connect();
    const s2 = c2.endpoint.allocateStreamId();
    const st2 = c2.endpoint.openStream(s2);
    void c2.endpoint.request(FileWriteStreamRequest.type, { path: 'keep.txt', streamId: s2, size: 1_000_000 }).catch(() => undefined);
    st2.write(Buffer.alloc(100_000, 2));
    await c.endpoint.request(FileStatRequest.type, { path: 'keep.txt' });
    c2.ws.terminate();
    // Wait until the agent has noticed: the temporary file is gone.
    while (readdirSync(t.root).length > 1) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(readdirSync(t.root), ['keep.txt']);
    assert.equal(readFileSync(path.join(t.root, 'keep.txt'), 'utf8'), 'original');
  });

  it('stats, lists, makes directories, renames and deletes', async () => {
    await c.endpoint.request(FileMkdirRequest.type, { path: 'a/b/c', recursive: true });
    await assert.rejects(c.endpoint.request(FileMkdirRequest.type, { path: 'a' }), (e: ProtocolError) => ProtocolError.is(e, 'Conflict'));
    await c.endpoint.request(FileWriteRequest.type, { path: 'a/one.txt', contentBase64: Buffer.from('1').toString('base64') });
    await c.endpoint.request(FileWriteRequest.type, { path: 'a/two.txt', contentBase64: Buffer.from('22').toString('base64') });
    const list = await c.endpoint.request(FileListRequest.type, { path: 'a' });
    assert.deepEqual(list.entries.map((e) => [e.name, e.type, e.size]), [['b', 'directory', 0], ['one.txt', 'file', 1], ['two.txt', 'file', 2]]);

    await assert.rejects(c.endpoint.request(FileRenameRequest.type, { from: 'a/one.txt', to: 'a/two.txt' }), (e: ProtocolError) => ProtocolError.is(e, 'Conflict'));
    await c.endpoint.request(FileRenameRequest.type, { from: 'a/one.txt', to: 'a/b/c/moved.txt' });
    assert.equal(readFileSync(path.join(t.root, 'a/b/c/moved.txt'), 'utf8'), '1');
    assert.equal((await c.endpoint.request(FileStatRequest.type, { path: 'a/b/c/moved.txt' })).size, 1);

    await assert.rejects(c.endpoint.request(FileDeleteRequest.type, { path: 'a/b' }), (e: ProtocolError) => ProtocolError.is(e, 'Conflict'));
    await c.endpoint.request(FileDeleteRequest.type, { path: 'a/b', recursive: true });
    assert.equal(existsSync(path.join(t.root, 'a/b')), false);
    await assert.rejects(c.endpoint.request(FileStatRequest.type, { path: 'a/b' }), (e: ProtocolError) => ProtocolError.is(e, 'NotFound'));
  });

  it('refuses a write whose file changed since it was read', async () => {
    await c.endpoint.request(FileWriteRequest.type, { path: 'x.txt', contentBase64: Buffer.from('a').toString('base64') });
    const first = await c.endpoint.request(FileStatRequest.type, { path: 'x.txt' });
    await c.endpoint.request(FileWriteRequest.type, { path: 'x.txt', contentBase64: Buffer.from('b').toString('base64'), expectedMtimeMs: first.mtimeMs });
    await assert.rejects(
      c.endpoint.request(FileWriteRequest.type, { path: 'x.txt', contentBase64: Buffer.from('c').toString('base64'), expectedMtimeMs: first.mtimeMs - 1000 }),
      (e: ProtocolError) => ProtocolError.is(e, 'Conflict'),
    );
    assert.equal(readFileSync(path.join(t.root, 'x.txt'), 'utf8'), 'b');
  });

  it('keeps the mode of a file it replaces', async () => {
    writeFileSync(path.join(t.root, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    await c.endpoint.request(FileWriteRequest.type, { path: 'run.sh', contentBase64: Buffer.from('#!/bin/sh\necho\n').toString('base64') });
    assert.equal(statSync(path.join(t.root, 'run.sh')).mode & 0o777, 0o755);
  });

  it('sends debounced change events with paths relative to the root', async () => {
    mkdirSync(path.join(t.root, 'src'));
    writeFileSync(path.join(t.root, 'src/old.txt'), 'old');
    const changes: FileChange[] = [];
    let notify: () => void = () => undefined;
    c.endpoint.onNotification(FileChangedNotification.type, (p) => {
      changes.push(...p.changes);
      notify();
    });
    const { watchId } = await c.endpoint.request(FileWatchRequest.type, { path: 'src', debounceMs: 50 });
    const seen = (pred: (all: FileChange[]) => boolean): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => (pred(changes) ? resolve() : void (notify = check));
        check();
      });

    // One created, one changed, one deleted, one created in a new sub-folder, and a write through the agent.
    writeFileSync(path.join(t.root, 'src/new.txt'), 'new');
    writeFileSync(path.join(t.root, 'src/old.txt'), 'changed');
    mkdirSync(path.join(t.root, 'src/deep'));
    writeFileSync(path.join(t.root, 'src/deep/inner.txt'), 'inner');
    await c.endpoint.request(FileWriteRequest.type, { path: 'src/by-agent.txt', contentBase64: 'eA==' });
    await seen((all) => all.some((x) => x.path === 'src/deep/inner.txt') && all.some((x) => x.path === 'src/by-agent.txt'));
    const kinds = new Map(changes.map((x) => [x.path, x.kind]));
    assert.equal(kinds.get('src/new.txt'), 'created');
    assert.equal(kinds.get('src/old.txt'), 'changed');
    assert.equal(kinds.get('src/deep'), 'created');
    assert.equal(kinds.get('src/deep/inner.txt'), 'created');
    assert.equal(kinds.get('src/by-agent.txt'), 'created');
    assert.ok(!changes.some((x) => x.path.includes('classpod-tmp')), 'temporary files of atomic writes are never reported');

    changes.length = 0;
    (await import('node:fs')).rmSync(path.join(t.root, 'src/new.txt'));
    await seen((all) => all.some((x) => x.path === 'src/new.txt'));
    assert.deepEqual(changes, [{ path: 'src/new.txt', kind: 'deleted' }]);

    await c.endpoint.request(FileUnwatchRequest.type, { watchId });
    await assert.rejects(c.endpoint.request(FileUnwatchRequest.type, { watchId }), (e: ProtocolError) => ProtocolError.is(e, 'NotFound'));
  });
});
