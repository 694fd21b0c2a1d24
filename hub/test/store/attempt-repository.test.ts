// The count of official submissions on SQLite and PostgreSQL: compare-and-set
// under concurrency, grants, and what does not count (the deadline's collections).

import assert from 'node:assert/strict';
import { AttemptRepository } from '../../src/store/attempt-repository';
import type { AttemptCounter } from '../../src/store/records';
import { Store } from '../../src/store/store';
import { DATABASE_TARGETS, requireTarget, type TestDatabase } from '../support/databases';

const key = { courseId: 'cs101', assignmentId: 'hello', studentId: 'alice' };

for (const target of DATABASE_TARGETS) {
  describe(`attempt counts on ${target.name}`, function () {
    let db: TestDatabase | undefined;
    let store: Store;

    beforeEach(async function () {
      await requireTarget(this, target);
      db = await target.create();
      store = new Store(db.database);
      await store.migrate();
      await store.courses.upsert({ id: 'cs101', title: 'Programming' });
      await store.people.upsert({ id: 'alice', name: 'Alice', admin: false });
    });
    afterEach(async () => {
      await db?.drop();
      db = undefined;
    });

    const limit = (n: number) => (c: AttemptCounter) => (c.used >= n + c.extra ? 'spent' : undefined);

    it('hands out exactly the allowed attempts to many concurrent takers', async () => {
      // Each taker in its own transaction, as concurrent submissions are.
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.transaction((tx) => tx.attempts.take(key, new Date(Date.UTC(2026, 10, 20, 10, 0, i)).toISOString(), limit(3)))),
      );
      assert.equal(outcomes.filter((o) => 'counter' in o).length, 3);
      assert.equal(outcomes.filter((o) => 'refusal' in o).length, 9);
      assert.equal((await store.attempts.get(key)).used, 3);
    });

    it('adds granted attempts to the limit', async () => {
      const repo: AttemptRepository = store.attempts;
      assert.ok('counter' in (await repo.take(key, '2026-11-20T10:00:00.000Z', limit(1))));
      assert.deepEqual(await repo.take(key, '2026-11-20T10:01:00.000Z', limit(1)), { refusal: 'spent' });
      assert.deepEqual(await repo.grant(key, 2), { used: 1, extra: 2, lastAt: '2026-11-20T10:00:00.000Z' });
      assert.ok('counter' in (await repo.take(key, '2026-11-20T10:02:00.000Z', limit(1))));
      assert.deepEqual(await repo.get(key), { used: 2, extra: 2, lastAt: '2026-11-20T10:02:00.000Z' });
    });

    it("counts the student's own submissions stored before the count existed, and never the deadline's collections", async () => {
      await store.assignments.upsert({
        courseId: 'cs101', id: 'hello', title: 'Hello', description: '', penaltyPercentPerDay: 0, specJson: '{}', publicSpecJson: '{}', starterManifest: [], publicFilesManifest: [], maxScore: 1,
      });
      const base = { courseId: 'cs101', assignmentId: 'hello', studentId: 'alice', snapshotHash: 'a'.repeat(64), late: false, penaltyPercent: 0, fileCount: 1, totalBytes: 1 };
      await store.submissions.add({ ...base, id: 's_1', submittedAt: '2026-11-20T09:00:00.000Z', source: 'submitted' });
      await store.submissions.add({ ...base, id: 's_2', submittedAt: '2026-11-20T09:30:00.000Z', source: 'collected' });
      assert.deepEqual(await store.attempts.get(key), { used: 1, extra: 0, lastAt: '2026-11-20T09:00:00.000Z' });
    });
  });
}
