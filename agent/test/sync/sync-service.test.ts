// Named cases for every sync rule, run between a local folder and a real agent
// on 127.0.0.1 (the same path the extension takes, minus the hub's proxy).

import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { ProtocolError, SyncApplyRequest, SyncOpenRequest, SyncScanRequest, type RpcEndpoint } from '@classpod/protocol';
import { DEFAULT_IGNORE_PATTERNS, hashBytes, sameEntry, SyncSession, scanFolder, IgnoreRules, readIgnorePatterns, type SyncProgress, type SyncReport, type SyncSessionOptions } from '@classpod/sync';
import { cleanup, defer, startTestAgent, tempDir, type Connection, type TestAgent } from '../helpers';

const FIXED_NOW = new Date('2026-11-24T18:15:09Z');

interface Pair {
  agent: TestAgent;
  local: string;
  remote: string;
  stateDir: string;
  session: SyncSession;
  conn: Connection;
  /** Reconnect (after a drop) and run cycles until nothing changes. */
  settle(): Promise<SyncReport[]>;
  reconnect(): Promise<void>;
}

async function startPair(options: Partial<SyncSessionOptions> = {}, agent?: TestAgent): Promise<Pair> {
  const t = agent ?? (await startTestAgent());
  const local = path.join(tempDir('classpod-sync-local-'), 'hello');
  const stateDir = tempDir('classpod-sync-state-');
  const open = (): Promise<SyncSession> =>
    SyncSession.open({ root: local, stateDir, remoteRoot: 'hello', watch: false, rescanIntervalMs: 0, now: () => FIXED_NOW, ...options });
  const session = await open();
  defer(() => session.close());
  const pair: Pair = {
    agent: t,
    local,
    remote: path.join(t.root, 'hello'),
    stateDir,
    session,
    conn: await t.connect(),
    async reconnect() {
      pair.conn = await t.connect();
      await pair.session.attach(pair.conn.endpoint);
    },
    async settle() {
      if (pair.conn.endpoint.isClosed) await pair.reconnect();
      const reports: SyncReport[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await pair.session.syncNow();
        reports.push(r);
        if (r.localChanges === 0 && r.remoteChanges === 0 && r.failures.length === 0) return reports;
      }
      throw new Error(`did not settle: ${JSON.stringify(reports.at(-1))}`);
    },
  };
  await session.attach(pair.conn.endpoint);
  return pair;
}

async function put(root: string, rel: string, content: string | Buffer, mode?: number): Promise<void> {
  const abs = path.join(root, rel);
  await fs.mkdir(path.dirname(abs), { recursive: true });
  await fs.writeFile(abs, content);
  if (mode !== undefined) await fs.chmod(abs, mode);
}

const read = (root: string, rel: string): Promise<string | undefined> => fs.readFile(path.join(root, rel), 'utf8').catch(() => undefined);

async function assertSameTrees(pair: Pair): Promise<void> {
  const rules = new IgnoreRules(await readIgnorePatterns(pair.local));
  const a = (await scanFolder(pair.local, rules)).manifest;
  const b = (await scanFolder(pair.remote, rules)).manifest;
  for (const p of new Set([...a.keys(), ...b.keys()])) {
    assert.ok(sameEntry(a.get(p), b.get(p)), `${p}: local ${JSON.stringify(a.get(p))}, workspace ${JSON.stringify(b.get(p))}`);
  }
}

/** Wait until `check` holds, polling; the suite's timeout bounds the wait. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 10));
}

describe('sync service over a real agent', () => {
  afterEach(cleanup);

  describe('one-sided and identical changes', () => {
    it('applies each side’s creations, edits, deletions, executable bits and inside links to the other', async () => {
      const pair = await startPair();
      await put(pair.local, 'src/main.c', 'int main(void) { return 0; }\n');
      await put(pair.local, 'run.sh', '#!/bin/sh\necho hi\n', 0o755);
      await fs.symlink('src/main.c', path.join(pair.local, 'main.c'));
      await put(pair.remote, '.classpod/assignment.json', '{"id":"a1"}\n');
      await pair.settle();
      assert.equal(await read(pair.remote, 'src/main.c'), 'int main(void) { return 0; }\n');
      assert.equal(await read(pair.local, '.classpod/assignment.json'), '{"id":"a1"}\n', 'the workspace’s .classpod folder reaches the local folder');
      assert.ok((await fs.stat(path.join(pair.remote, 'run.sh'))).mode & 0o100, 'the executable bit travels');
      assert.equal(await fs.readlink(path.join(pair.remote, 'main.c')), 'src/main.c');

      await put(pair.remote, 'src/main.c', 'int main(void) { return 1; }\n');
      await fs.rm(path.join(pair.local, 'run.sh'));
      await fs.chmod(path.join(pair.remote, 'src/main.c'), 0o755);
      await pair.settle();
      assert.equal(await read(pair.local, 'src/main.c'), 'int main(void) { return 1; }\n');
      assert.ok((await fs.stat(path.join(pair.local, 'src/main.c'))).mode & 0o100);
      assert.equal(existsSync(path.join(pair.remote, 'run.sh')), false, 'a local deletion deletes in the workspace');
      await assertSameTrees(pair);
    });

    it('does nothing when both sides made the same change', async () => {
      const pair = await startPair();
      await put(pair.local, 'notes.md', 'same words\n');
      await put(pair.remote, 'notes.md', 'same words\n');
      const [report] = await pair.settle();
      assert.equal(report!.conflicts.length, 0);
      assert.equal(report!.localChanges + report!.remoteChanges, 0);
      assert.equal(report!.bytesUploaded + report!.bytesDownloaded, 0);
      assert.deepEqual((await fs.readdir(pair.local)).sort(), ['notes.md']);
    });
  });

  describe('conflicts', () => {
    it('keeps both versions of a file edited on both sides and reports the copy; deleting the copy resolves it', async () => {
      const pair = await startPair();
      await put(pair.local, 'src/main.c', 'v1\n');
      await pair.settle();
      await put(pair.local, 'src/main.c', 'local v2\n');
      await put(pair.remote, 'src/main.c', 'workspace v2\n');
      const [report] = await pair.settle();
      const copy = 'src/main.conflict-workspace-20261124-181509.c';
      assert.deepEqual(report!.conflicts, [{ path: 'src/main.c', kind: 'content', copyPath: copy, copySide: 'workspace' }]);
      for (const root of [pair.local, pair.remote]) {
        assert.equal(await read(root, 'src/main.c'), 'local v2\n');
        assert.equal(await read(root, copy), 'workspace v2\n');
      }
      await fs.rm(path.join(pair.local, copy));
      const [after] = await pair.settle();
      assert.equal(after!.conflicts.length, 0);
      assert.equal(existsSync(path.join(pair.remote, copy)), false, 'deleting the copy on one side resolves the conflict on both');
    });

    it('keeps the edit when one side edits and the other deletes', async () => {
      const pair = await startPair();
      await put(pair.local, 'a.txt', 'v1\n');
      await put(pair.local, 'b.txt', 'v1\n');
      await pair.settle();
      await fs.rm(path.join(pair.local, 'a.txt'));
      await put(pair.remote, 'a.txt', 'edited in the workspace\n');
      await put(pair.local, 'b.txt', 'edited locally\n');
      await fs.rm(path.join(pair.remote, 'b.txt'));
      await pair.settle();
      for (const root of [pair.local, pair.remote]) {
        assert.equal(await read(root, 'a.txt'), 'edited in the workspace\n');
        assert.equal(await read(root, 'b.txt'), 'edited locally\n');
      }
    });

    it('loses nothing when one side turns a file into a folder and the other edits the file', async () => {
      const pair = await startPair();
      await put(pair.local, 'lib', 'a file\n');
      await pair.settle();
      await fs.rm(path.join(pair.local, 'lib'));
      await put(pair.local, 'lib/util.c', 'now a folder\n');
      await put(pair.remote, 'lib', 'the file, edited\n');
      const [report] = await pair.settle();
      assert.equal(report!.conflicts[0]?.kind, 'file-folder');
      for (const root of [pair.local, pair.remote]) {
        assert.equal(await read(root, 'lib/util.c'), 'now a folder\n');
        assert.equal(await read(root, 'lib.conflict-workspace-20261124-181509'), 'the file, edited\n');
      }
    });

    it('restores a folder deleted on one side when the other side added a file to it', async () => {
      const pair = await startPair();
      await put(pair.local, 'tests/t1.txt', 'one\n');
      await pair.settle();
      await fs.rm(path.join(pair.local, 'tests'), { recursive: true });
      await put(pair.remote, 'tests/t2.txt', 'two\n');
      await pair.settle();
      for (const root of [pair.local, pair.remote]) {
        assert.equal(await read(root, 'tests/t2.txt'), 'two\n');
        assert.equal(await read(root, 'tests/t1.txt'), undefined);
      }
    });

    it('refuses a write that races an edit on the receiving side (Conflict), so the edit is not overwritten', async () => {
      const t = await startTestAgent();
      const c = await t.connect();
      await put(t.root, 'hello/a.txt', 'what the student typed\n');
      const { replicaId } = await c.endpoint.request(SyncOpenRequest.type, { root: 'hello' });
      await c.endpoint.request(SyncScanRequest.type, { replicaId, ignore: [...DEFAULT_IGNORE_PATTERNS] });
      const stale = { kind: 'file' as const, hash: hashBytes('what was there before\n'), size: 22 };
      const { results } = await c.endpoint.request(SyncApplyRequest.type, { replicaId, changes: [{ path: 'a.txt', old: stale, new: null }] });
      assert.equal(results[0]?.status, 'conflict');
      assert.equal(await read(t.root, 'hello/a.txt'), 'what the student typed\n');
    });
  });

  describe('what is synced', () => {
    it('skips default-ignored folders, .gitignore and .classpodignore patterns on both sides', async () => {
      const pair = await startPair();
      await put(pair.local, 'node_modules/x/index.js', 'module\n');
      await put(pair.local, '.git/HEAD', 'ref: refs/heads/main\n');
      await put(pair.local, '.gitignore', '*.log\n');
      await put(pair.local, '.classpodignore', 'secret/\n');
      await put(pair.local, 'debug.log', 'noise\n');
      await put(pair.local, 'secret/key', 'k\n');
      await put(pair.local, 'keep.c', 'kept\n');
      await put(pair.remote, 'build/out.o', 'binary\n');
      await pair.settle();
      assert.deepEqual((await fs.readdir(pair.remote)).filter((n) => n !== '.classpod-sync').sort(), ['.classpodignore', '.gitignore', 'build', 'keep.c']);
      assert.equal(existsSync(path.join(pair.local, 'build')), false, 'build outputs stay where they were made');
    });

    it('syncs a link that stays inside the folder and reports one that leaves it', async () => {
      const pair = await startPair();
      await put(pair.local, 'data/in.txt', 'x\n');
      await fs.symlink('data/in.txt', path.join(pair.local, 'inside'));
      await fs.symlink('/etc/passwd', path.join(pair.local, 'outside'));
      await fs.symlink('../../escape', path.join(pair.local, 'data/up'));
      const [report] = await pair.settle();
      assert.equal(await fs.readlink(path.join(pair.remote, 'inside')), 'data/in.txt');
      assert.equal(existsSync(path.join(pair.remote, 'outside')), false);
      assert.equal((await fs.lstat(path.join(pair.remote, 'data/up')).catch(() => undefined)), undefined);
      const reported = report!.problems.filter((p) => p.kind === 'symlink-outside-root').map((p) => p.path).sort();
      assert.deepEqual(reported, ['data/up', 'outside']);
    });

    it('reports names that differ only in case and does not merge them on a case-insensitive disk', async () => {
      const pair = await startPair({ caseInsensitive: true });
      await put(pair.remote, 'README.md', 'upper\n');
      await put(pair.remote, 'readme.md', 'lower\n');
      await put(pair.remote, 'other.txt', 'fine\n');
      const [report] = await pair.settle();
      const collision = report!.problems.find((p) => p.kind === 'case-collision');
      assert.ok(collision, 'the collision is reported');
      assert.match(collision.message, /README\.md and readme\.md/);
      assert.equal(await read(pair.local, 'other.txt'), 'fine\n');
      assert.equal(existsSync(path.join(pair.local, 'README.md')) || existsSync(path.join(pair.local, 'readme.md')), false);
      assert.equal(await read(pair.remote, 'README.md'), 'upper\n');
      assert.equal(await read(pair.remote, 'readme.md'), 'lower\n');
    });
  });

  describe('transfer', () => {
    it('sends a renamed or copied file no second time', async () => {
      const pair = await startPair();
      const big = Buffer.alloc(2 * 1024 * 1024, 3);
      await put(pair.local, 'data/big.bin', big);
      const first = await pair.settle();
      assert.ok(first[0]!.bytesUploaded >= big.length);
      await fs.rename(path.join(pair.local, 'data/big.bin'), path.join(pair.local, 'data/renamed.bin'));
      await fs.copyFile(path.join(pair.local, 'data/renamed.bin'), path.join(pair.local, 'copy.bin'));
      const second = await pair.settle();
      assert.equal(second.reduce((n, r) => n + r.bytesUploaded, 0), 0, 'no content was sent');
      assert.deepEqual(await fs.readFile(path.join(pair.remote, 'copy.bin')), big);
      assert.equal(existsSync(path.join(pair.remote, 'data/big.bin')), false);
    });

    it('reports progress in files and bytes', async () => {
      const pair = await startPair();
      for (let i = 0; i < 5; i++) await put(pair.local, `f${i}.bin`, Buffer.alloc(100_000, i));
      const seen: SyncProgress[] = [];
      pair.session.onProgress((p) => seen.push(p));
      await pair.settle();
      const transferring = seen.find((p) => p.phase === 'transferring');
      assert.deepEqual({ files: transferring?.filesTotal, bytes: transferring?.bytesTotal }, { files: 5, bytes: 500_000 });
      const done = seen.find((p) => p.phase === 'done');
      assert.deepEqual({ files: done?.filesDone, bytes: done?.bytesDone }, { files: 5, bytes: 500_000 });
    });

    it('resumes a large upload after the connection drops mid-transfer', async () => {
      const pair = await startPair();
      const big = Buffer.alloc(8 * 1024 * 1024);
      for (let i = 0; i < big.length; i += 1024) big.writeUInt32BE(i, i);
      await put(pair.local, 'big.bin', big);
      // Drop the connection once 4 MiB of the file went out on the socket.
      const ws = pair.conn.ws;
      const send = ws.send.bind(ws) as (data: unknown, ...rest: unknown[]) => void;
      let sentBytes = 0;
      (ws as unknown as { send: typeof send }).send = (data, ...rest) => {
        if (data instanceof Uint8Array) sentBytes += data.byteLength;
        if (sentBytes > 4 * 1024 * 1024) {
          ws.terminate();
          return;
        }
        send(data, ...rest);
      };
      await assert.rejects(pair.session.syncNow(), (err: unknown) => ProtocolError.is(err));
      const reports = await pair.settle();
      const sent = reports.reduce((n, r) => n + r.bytesUploaded, 0);
      assert.ok(sent < big.length - 2 * 1024 * 1024, `the rest was sent, not the whole file (${sent} bytes)`);
      assert.deepEqual(await fs.readFile(path.join(pair.remote, 'big.bin')), big);
    });
  });

  describe('offline and restarts', () => {
    it('reconciles edits made on both sides while disconnected', async () => {
      const pair = await startPair();
      await put(pair.local, 'a.txt', '1\n');
      await pair.settle();
      pair.conn.ws.terminate();
      await eventually(async () => pair.session.state === 'offline');
      await put(pair.local, 'b.txt', 'written offline\n');
      await put(pair.remote, 'c.txt', 'written in the workspace meanwhile\n');
      await pair.settle();
      assert.equal(await read(pair.remote, 'b.txt'), 'written offline\n');
      assert.equal(await read(pair.local, 'c.txt'), 'written in the workspace meanwhile\n');
    });

    it('resumes from the persisted ancestor after a restart of both sides without sending unchanged files', async () => {
      const t = await startTestAgent();
      const first = await startPair({}, t);
      for (let i = 0; i < 20; i++) await put(first.local, `src/f${i}.c`, `int f${i};\n`);
      await first.settle();
      await first.session.close();
      first.conn.ws.terminate();
      await t.agent.close();
      const again = await startTestAgent({ root: t.root });
      const session = await SyncSession.open({ root: first.local, stateDir: first.stateDir, remoteRoot: 'hello', watch: false, rescanIntervalMs: 0 });
      defer(() => session.close());
      await session.attach((await again.connect()).endpoint);
      await fs.rm(path.join(first.local, 'src/f3.c'));
      const report = await session.syncNow();
      assert.equal(report.bytesUploaded + report.bytesDownloaded, 0);
      assert.deepEqual({ local: report.localChanges, workspace: report.remoteChanges }, { local: 0, workspace: 1 });
      assert.equal(existsSync(path.join(t.root, 'hello/src/f3.c')), false);
    });
  });

  describe('watching', () => {
    it('carries a local save to the workspace and a workspace save to the local folder without being asked', async () => {
      const pair = await startPair({ watch: true, debounceMs: 10 });
      await pair.settle();
      await put(pair.local, 'typed.c', 'saved locally\n');
      await eventually(async () => (await read(pair.remote, 'typed.c')) === 'saved locally\n');
      await put(pair.remote, 'made-by-tests.txt', 'written in the workspace\n');
      await eventually(async () => (await read(pair.local, 'made-by-tests.txt')) === 'written in the workspace\n');
    });
  });

  describe('metrics', () => {
    it('counts content bytes and applied changes in /metrics', async () => {
      const pair = await startPair();
      await put(pair.local, 'a.txt', 'x'.repeat(1000));
      await put(pair.remote, 'b.txt', 'y'.repeat(500));
      await pair.settle();
      const text = await (await fetch(`${pair.agent.agent.url}/metrics`)).text();
      assert.match(text, /classpod_sync_content_bytes_received_total 1000\b/);
      assert.match(text, /classpod_sync_content_bytes_sent_total 500\b/);
      assert.match(text, /classpod_sync_changes_total\{status="ok"\} 1\b/);
    });
  });

  describe('refusals', () => {
    let endpoint: RpcEndpoint;
    beforeEach(async () => {
      endpoint = (await (await startTestAgent()).connect()).endpoint;
    });

    it('refuses a replica folder outside the workspace root', async () => {
      await assert.rejects(endpoint.request(SyncOpenRequest.type, { root: '../outside' }), (err: unknown) => ProtocolError.is(err, 'InvalidParams') && /"\.\."/.test(err.message));
    });

    it('refuses changes to paths that leave the folder', async () => {
      const { replicaId } = await endpoint.request(SyncOpenRequest.type, { root: 'hello' });
      const { results } = await endpoint.request(SyncApplyRequest.type, { replicaId, changes: [{ path: '../../etc/x', old: null, new: { kind: 'dir' } }] });
      assert.equal(results[0]?.status, 'failed');
      assert.match(results[0]?.message ?? '', /"\.\." segment/);
    });
  });
});
