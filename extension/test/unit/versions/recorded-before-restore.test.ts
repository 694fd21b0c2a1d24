import * as assert from 'node:assert/strict';
import { holdsContent, NotRecorded, waitUntilRecorded, type RecordedBeforeRestoreDeps } from '../../../src/versions/recorded-before-restore';

/** A hub whose newest version changes when the n-th sync ran, on a clock that moves only when slept. */
function fakeHub(versions: Array<Array<{ path: string; sha256: string }> | undefined>, recordedAfterSync: number[]): RecordedBeforeRestoreDeps & { syncs: number; t: number } {
  const state = {
    syncs: 0,
    t: 0,
    newestFiles: async () => versions[recordedAfterSync.filter((n) => state.syncs >= n).length],
    sync: async () => void state.syncs++,
    sleep: async (ms: number) => void (state.t += ms),
    now: () => state.t,
  };
  return state;
}

describe('a restore waits until the current content is a version', () => {
  const now = [{ path: 'main.c', sha256: 'now' }];
  const before = [{ path: 'main.c', sha256: 'older' }];

  it('goes ahead at once, without a sync, when the newest version already holds the file as it is', async () => {
    const hub = fakeHub([now], []);
    assert.equal(await waitUntilRecorded('main.c', 'now', hub, { timeoutMs: 60_000, pollMs: 500 }), 0);
    assert.equal(hub.syncs, 0);
  });

  it('syncs and looks again until the hub recorded the content', async () => {
    const hub = fakeHub([undefined, before, now], [1, 3]);
    assert.equal(await waitUntilRecorded('main.c', 'now', hub, { timeoutMs: 60_000, pollMs: 500 }), 3);
  });

  it('refuses after the deadline and names the file, so nothing is replaced', async () => {
    const hub = fakeHub([before], []);
    await assert.rejects(waitUntilRecorded('src/main.c', 'now', hub, { timeoutMs: 5_000, pollMs: 500 }), (err: unknown) => {
      assert.ok(err instanceof NotRecorded);
      assert.match((err as Error).message, /Nothing was restored: your current src\/main\.c has not reached the course server yet/);
      return true;
    });
    assert.ok(hub.syncs >= 10, 'it kept syncing until the deadline');
  });

  it('counts a file that does not exist now as recorded when the newest version lacks it too', () => {
    assert.equal(holdsContent([{ path: 'other.c', sha256: 'x' }], 'main.c', undefined), true);
    assert.equal(holdsContent(now, 'main.c', undefined), false);
    assert.equal(holdsContent(now, 'main.c', 'older'), false);
  });
});
