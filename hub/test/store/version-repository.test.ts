// The versions table on SQLite and on PostgreSQL: versions of a folder keep
// their order within one millisecond, an unchanged manifest adds nothing, the
// last version at or before an instant is found, and retention (per folder,
// by age, per-course quota) never removes a folder's newest version.

import assert from 'node:assert/strict';
import { Store } from '../../src/store/store';
import type { FolderKey, VersionRepository, VersionRetention } from '../../src/store/version-repository';
import { DATABASE_TARGETS, requireTarget, type TestDatabase } from '../support/databases';

const T0 = Date.parse('2026-11-02T09:00:00.000Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
const hash = (n: number): string => n.toString(16).padStart(64, '0');
const LOOSE: VersionRetention = { keepPerFolder: 1000, keepDays: 365, courseQuotaBytes: 1e12 };

for (const target of DATABASE_TARGETS) {
  describe(`version repository on ${target.name}`, function () {
    let db: TestDatabase | undefined;
    let versions: VersionRepository;
    const alice: FolderKey = { courseId: 'cs101', studentId: 'alice', assignmentId: 'c-sum' };
    const bob: FolderKey = { courseId: 'cs101', studentId: 'bob', assignmentId: 'c-sum' };
    const add = (k: FolderKey, n: number, minutes: number, bytes = 100) =>
      versions.addIfChanged({ ...k, recordedAt: at(minutes), manifestHash: hash(n), fileCount: 1, totalBytes: bytes });

    beforeEach(async function () {
      await requireTarget(this, target);
      db = await target.create();
      const store = new Store(db.database);
      await store.migrate();
      versions = store.versions;
    });
    afterEach(async () => {
      await db?.drop();
      db = undefined;
    });

    it('keeps the order of versions recorded in the same millisecond, and adds nothing for an unchanged manifest', async () => {
      assert.ok(await add(alice, 1, 0));
      assert.ok(await add(alice, 2, 0));
      assert.equal(await add(alice, 2, 1), undefined, 'the same manifest as the newest');
      assert.ok(await add(alice, 1, 1), 'back to an earlier state is a new version');
      const list = await versions.list(alice, { limit: 10 });
      assert.deepEqual(list.map((v) => [v.seq, v.manifestHash]), [[3, hash(1)], [2, hash(2)], [1, hash(1)]]);
      assert.equal((await versions.atOrBefore(alice, at(0)))?.manifestHash, hash(2), 'the later of two in the same millisecond');
      assert.equal(await versions.atOrBefore(alice, at(-1)), undefined);
      assert.deepEqual((await versions.list(alice, { limit: 10, before: at(1) })).map((v) => v.seq), [2, 1]);
      assert.equal((await versions.latest(bob)), undefined);
    });

    it('keeps N per folder and nothing older than the days set, the newest always', async () => {
      for (let i = 1; i <= 6; i++) await add(alice, i, i);
      assert.equal(await versions.prune(alice, { ...LOOSE, keepPerFolder: 4 }, new Date(T0)), 2);
      assert.deepEqual((await versions.list(alice, { limit: 10 })).map((v) => v.seq), [6, 5, 4, 3]);
      // Ten days later, with a one-day limit: only the newest stays.
      assert.equal(await versions.prune(alice, { ...LOOSE, keepDays: 1 }, new Date(T0 + 10 * 86_400_000)), 3);
      assert.deepEqual((await versions.list(alice, { limit: 10 })).map((v) => v.seq), [6]);
    });

    it('removes the oldest versions of a course over its quota, never a folder’s newest', async () => {
      for (let i = 1; i <= 5; i++) await add(alice, i, i, 1000);
      for (let i = 1; i <= 3; i++) await add(bob, 10 + i, 10 + i, 1000);
      assert.equal(await versions.courseBytes('cs101'), 8000);
      await versions.prune(bob, { ...LOOSE, courseQuotaBytes: 3500 }, new Date(T0));
      assert.ok((await versions.courseBytes('cs101')) <= 3500);
      // The oldest went first: all of alice's but her newest, then bob's oldest.
      assert.deepEqual((await versions.list(alice, { limit: 10 })).map((v) => v.seq), [5]);
      assert.deepEqual((await versions.list(bob, { limit: 10 })).map((v) => v.seq), [3, 2]);
      // A quota smaller than the newest versions alone keeps them anyway.
      await versions.prune(bob, { ...LOOSE, courseQuotaBytes: 1 }, new Date(T0));
      assert.deepEqual((await versions.list(alice, { limit: 10 })).map((v) => v.seq), [5]);
      assert.deepEqual((await versions.list(bob, { limit: 10 })).map((v) => v.seq), [3]);
    });
  });
}
