import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  FileDeleteRequest,
  FileListRequest,
  FileReadRequest,
  FileRenameRequest,
  FileStatRequest,
  FileWriteRequest,
  FileWriteStreamRequest,
  ProtocolError,
  TerminalOpenRequest,
} from '@classpod/protocol';
import { cleanup, defer, startTestAgent, tempDir, type Connection, type TestAgent } from '../helpers';
import { skipWithoutTool } from '@classpod/test-support';

const LIMIT = 64 * 1024;

/** Assert a refusal with the given code and reason, whose message names the path. */
async function refused(p: Promise<unknown>, code: 'Forbidden' | 'TooLarge', reason: string, shownPath: string): Promise<void> {
  await assert.rejects(p, (e: ProtocolError) => {
    assert.ok(ProtocolError.is(e, code), `expected ${code}, got ${e.code}: ${e.message}`);
    assert.equal((e.data as { reason?: string }).reason, reason);
    assert.ok(e.message.includes(shownPath), `message "${e.message}" names ${shownPath}`);
    return true;
  });
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('path jail', () => {
  let t: TestAgent;
  let c: Connection;
  let outside: string;
  beforeEach(async () => {
    t = await startTestAgent({ maxFileBytes: LIMIT });
    c = await t.connect();
    outside = tempDir('classpod-outside-');
    writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    mkdirSync(path.join(t.root, 'inside'));
    writeFileSync(path.join(t.root, 'inside/ok.txt'), 'ok');
  });
  afterEach(cleanup);

  it('refuses `..` segments for reads, writes, listings and renames', async () => {
    const rq = c.endpoint;
    await refused(rq.request(FileReadRequest.type, { path: '../secret.txt' }), 'Forbidden', 'parent-segment', '../secret.txt');
    await refused(rq.request(FileReadRequest.type, { path: 'inside/../../x' }), 'Forbidden', 'parent-segment', 'inside/../../x');
    await refused(rq.request(FileWriteRequest.type, { path: '../evil.txt', contentBase64: b64('x') }), 'Forbidden', 'parent-segment', '../evil.txt');
    await refused(rq.request(FileListRequest.type, { path: '..' }), 'Forbidden', 'parent-segment', '..');
    await refused(rq.request(FileRenameRequest.type, { from: 'inside/ok.txt', to: '../moved.txt' }), 'Forbidden', 'parent-segment', '../moved.txt');
    assert.ok(existsSync(path.join(t.root, 'inside/ok.txt')));
    assert.equal(existsSync(path.join(t.root, '..', 'evil.txt')), false);
  });

  it('refuses absolute paths', async () => {
    const target = path.join(outside, 'secret.txt');
    await refused(c.endpoint.request(FileReadRequest.type, { path: target }), 'Forbidden', 'absolute', target);
    await refused(c.endpoint.request(FileStatRequest.type, { path: '/etc/passwd' }), 'Forbidden', 'absolute', '/etc/passwd');
    await refused(c.endpoint.request(FileWriteRequest.type, { path: path.join(outside, 'new.txt'), contentBase64: b64('x') }), 'Forbidden', 'absolute', outside);
    assert.equal(existsSync(path.join(outside, 'new.txt')), false);
  });

  it('refuses NUL bytes', async () => {
    await refused(c.endpoint.request(FileReadRequest.type, { path: 'inside/ok.txt\u0000.png' }), 'Forbidden', 'nul-byte', 'ok.txt');
    await refused(c.endpoint.request(FileWriteRequest.type, { path: 'a\u0000b', contentBase64: b64('x') }), 'Forbidden', 'nul-byte', 'a');
  });

  it('refuses symbolic links that lead outside, for every operation', async () => {
    symlinkSync(outside, path.join(t.root, 'out-dir'));
    symlinkSync(path.join(outside, 'secret.txt'), path.join(t.root, 'out-file'));
    const rq = c.endpoint;
    await refused(rq.request(FileReadRequest.type, { path: 'out-file' }), 'Forbidden', 'symlink-escape', 'out-file');
    await refused(rq.request(FileReadRequest.type, { path: 'out-dir/secret.txt' }), 'Forbidden', 'symlink-escape', 'out-dir/secret.txt');
    await refused(rq.request(FileStatRequest.type, { path: 'out-dir/missing.txt' }), 'Forbidden', 'symlink-escape', 'out-dir/missing.txt');
    await refused(rq.request(FileListRequest.type, { path: 'out-dir' }), 'Forbidden', 'symlink-escape', 'out-dir');
    await refused(rq.request(FileWriteRequest.type, { path: 'out-file', contentBase64: b64('pwned') }), 'Forbidden', 'symlink-escape', 'out-file');
    await refused(rq.request(FileWriteRequest.type, { path: 'out-dir/new.txt', contentBase64: b64('pwned') }), 'Forbidden', 'symlink-escape', 'out-dir/new.txt');
    await refused(rq.request(FileDeleteRequest.type, { path: 'out-dir/secret.txt' }), 'Forbidden', 'symlink-escape', 'out-dir/secret.txt');
    await refused(rq.request(FileRenameRequest.type, { from: 'inside/ok.txt', to: 'out-dir/stolen.txt' }), 'Forbidden', 'symlink-escape', 'out-dir/stolen.txt');
    await refused(rq.request(TerminalOpenRequest.type, { cwd: 'out-dir', cols: 80, rows: 24, shell: '/bin/true' }), 'Forbidden', 'symlink-escape', 'out-dir');
    // A chain: a link inside pointing at a link that leads out.
    symlinkSync('../out-dir', path.join(t.root, 'inside/hop'));
    await refused(rq.request(FileReadRequest.type, { path: 'inside/hop/secret.txt' }), 'Forbidden', 'symlink-escape', 'inside/hop/secret.txt');

    assert.equal(readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'secret', 'the file outside is untouched');
    assert.equal(existsSync(path.join(outside, 'new.txt')), false);
    assert.equal(existsSync(path.join(outside, 'stolen.txt')), false);
    // Deleting the link itself removes the link, never its target.
    await rq.request(FileDeleteRequest.type, { path: 'out-file' });
    assert.equal(readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'secret');
  });

  it('follows symbolic links that stay inside', async () => {
    symlinkSync('inside/ok.txt', path.join(t.root, 'alias.txt'));
    const r = await c.endpoint.request(FileReadRequest.type, { path: 'alias.txt' });
    assert.equal(Buffer.from(r.contentBase64, 'base64').toString(), 'ok');
    await c.endpoint.request(FileWriteRequest.type, { path: 'alias.txt', contentBase64: b64('through') });
    assert.equal(readFileSync(path.join(t.root, 'inside/ok.txt'), 'utf8'), 'through', 'a write through an inside link changes its target');
  });

  it('refuses to write through a symbolic link that leads nowhere, and one that leads out without looking there', async () => {
    symlinkSync('inside/not-yet.txt', path.join(t.root, 'dangling'));
    await refused(c.endpoint.request(FileWriteRequest.type, { path: 'dangling', contentBase64: b64('x') }), 'Forbidden', 'dangling-symlink', 'dangling');
    assert.equal(existsSync(path.join(t.root, 'inside/not-yet.txt')), false);
    // Whether the outside target exists is not told: the link is refused for leaving the root.
    symlinkSync(path.join(outside, 'not-yet.txt'), path.join(t.root, 'dangling-out'));
    await refused(c.endpoint.request(FileWriteRequest.type, { path: 'dangling-out', contentBase64: b64('x') }), 'Forbidden', 'symlink-escape', 'dangling-out');
    symlinkSync(path.join(outside, 'secret.txt'), path.join(t.root, 'existing-out'));
    await refused(c.endpoint.request(FileWriteRequest.type, { path: 'existing-out', contentBase64: b64('x') }), 'Forbidden', 'symlink-escape', 'existing-out');
    assert.equal(existsSync(path.join(outside, 'not-yet.txt')), false);
  });

  it('refuses FIFOs, device files and sockets', async function () {
    execFileSync('mkfifo', [path.join(t.root, 'pipe')]);
    await refused(c.endpoint.request(FileReadRequest.type, { path: 'pipe' }), 'Forbidden', 'special-file', 'pipe');
    await refused(c.endpoint.request(FileWriteRequest.type, { path: 'pipe', contentBase64: b64('x') }), 'Forbidden', 'special-file', 'pipe');

    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(t.root, 'sock'), resolve));
    defer(() => new Promise((r) => server.close(r)));
    await refused(c.endpoint.request(FileReadRequest.type, { path: 'sock' }), 'Forbidden', 'special-file', 'sock');

    // A link to a device leaves the root; a device node made inside it is refused for what it is.
    symlinkSync('/dev/zero', path.join(t.root, 'zero'));
    await refused(c.endpoint.request(FileReadRequest.type, { path: 'zero' }), 'Forbidden', 'symlink-escape', 'zero');
    try {
      execFileSync('mknod', [path.join(t.root, 'null'), 'c', '1', '3'], { stdio: 'ignore' });
    } catch {
      skipWithoutTool(this, 'mknod cannot make a device node here: the test needs root');
    }
    await refused(c.endpoint.request(FileReadRequest.type, { path: 'null' }), 'Forbidden', 'special-file', 'null');
  });

  it('refuses files over the size limit, read or written', async () => {
    writeFileSync(path.join(t.root, 'big.bin'), Buffer.alloc(LIMIT + 1));
    await refused(c.endpoint.request(FileReadRequest.type, { path: 'big.bin' }), 'TooLarge', 'too-large', 'big.bin');
    await refused(c.endpoint.request(FileWriteRequest.type, { path: 'w.bin', contentBase64: Buffer.alloc(LIMIT + 1).toString('base64') }), 'TooLarge', 'too-large', 'w.bin');
    const streamId = c.endpoint.allocateStreamId();
    c.endpoint.openStream(streamId);
    await refused(c.endpoint.request(FileWriteStreamRequest.type, { path: 's.bin', streamId, size: LIMIT + 1 }), 'TooLarge', 'too-large', 's.bin');
    assert.equal(existsSync(path.join(t.root, 'w.bin')), false);
    assert.equal(existsSync(path.join(t.root, 's.bin')), false);
  });
});
