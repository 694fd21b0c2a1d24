// A full workspace disk is an error, never a crash: a real agent process over
// a 2 MiB tmpfs, a local sync session over a real WebSocket. The upload that
// does not fit is refused as a sync failure naming the file, nothing partial
// is left (no staged part, no temporary file), the agent stays up, and once
// the student frees space the next cycle carries the file.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { SyncSession, type SyncReport } from '@classpod/sync';
import { client, cleanup, defer, openConnection, tempDir } from '../helpers';
import { spawnAgent } from '../process';
import { skipWithoutTool } from '@classpod/test-support';

/** Mount a small tmpfs at `dir`; the test is skipped (failed in CI), saying why, when this machine cannot. */
function mountSmallDisk(ctx: Mocha.Context, dir: string, size: string): void {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    skipWithoutTool(ctx, `cannot mount a tmpfs (${(err as Error).message.split('\n')[0]}); the full-disk test needs root`);
  }
  defer(() => execFileSync('umount', ['-l', dir], { stdio: 'ignore' }));
}

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const d of await fs.readdir(dir, { withFileTypes: true })) {
      const abs = path.join(dir, d.name);
      if (d.isDirectory()) await walk(abs);
      else out.push(path.relative(root, abs));
    }
  };
  await walk(root);
  return out.sort();
}

describe('sync onto a full workspace disk', function () {
  this.timeout(60_000);
  afterEach(cleanup);

  it('refuses the upload that does not fit, naming it, leaves nothing partial, and the agent stays up', async function () {
    const disk = tempDir('classpod-full-disk-');
    mountSmallDisk(this, disk, '2m');
    const root = path.join(disk, 'workspace');
    mkdirSync(root);
    const agent = await spawnAgent(['--root', root]);
    const local = path.join(tempDir('classpod-full-local-'), 'hw');
    mkdirSync(local);
    await fs.writeFile(path.join(local, 'main.c'), 'int main(){}\n');
    await fs.writeFile(path.join(local, 'big.bin'), Buffer.alloc(3 * 1024 * 1024, 7)); // a stream of its own
    await fs.writeFile(path.join(local, 'mid.bin'), Buffer.alloc(200 * 1024, 9)); // inline, after the disk is filled
    const session = await SyncSession.open({ root: local, stateDir: tempDir('classpod-full-state-'), remoteRoot: 'hw', watch: false, rescanIntervalMs: 0 });
    defer(() => session.close());
    const conn = await openConnection(agent.connectUrl);
    await conn.endpoint.hello({ capabilities: ['sync'], client });
    await session.attach(conn.endpoint);

    const report: SyncReport = await session.syncNow();
    const big = report.failures.find((f) => f.path === 'big.bin');
    assert.ok(big, `big.bin is reported as not synced: ${JSON.stringify(report.failures)}`);
    assert.equal(big.diskFull, true);
    assert.match(big.message ?? '', /workspace disk is full.*big\.bin/);
    assert.equal(await fs.readFile(path.join(root, 'hw/main.c'), 'utf8'), 'int main(){}\n', 'what fits is synced');
    const left = await filesUnder(path.join(root, 'hw'));
    assert.ok(!left.some((f) => f.includes('.classpod-tmp-') || f.endsWith('.part')), `nothing partial is left: ${left.join(', ')}`);
    assert.ok(!left.includes('big.bin'));

    // The agent is up and still answers on the same connection.
    assert.equal(agent.child.exitCode, null, 'the agent is still running');
    const again = await session.syncNow();
    assert.ok(again.failures.some((f) => f.path === 'big.bin' && f.diskFull));

    // The student frees space (here: the file shrinks); the next cycle carries it.
    await fs.writeFile(path.join(local, 'big.bin'), Buffer.alloc(1024, 7));
    const after = await session.syncNow();
    assert.deepEqual(after.failures, []);
    assert.equal((await fs.stat(path.join(root, 'hw/big.bin'))).size, 1024);
  });
});
