// A database the hub's earlier migrator made (its schema_migrations table, one
// row per version applied) opens with the store on Kysely's Migrator, on
// SQLite and on PostgreSQL: its data stays, the versions it had are not run
// again, and the newer migrations apply.

import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { migrations } from '../../src/store/migrations';
import { Store } from '../../src/store/store';
import { DATABASE_TARGETS, requireTarget, type TestDatabase } from '../support/databases';

/** Make the database as the earlier migrator left it after `upTo`: the same statements, and its bookkeeping table. */
async function oldMigrator(db: TestDatabase, upTo: number): Promise<void> {
  const k = db.database.db;
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`.execute(k);
  for (const m of migrations.filter((m) => m.legacyVersion !== undefined && m.legacyVersion <= upTo)) {
    await m.up(k);
    await sql`INSERT INTO schema_migrations (version, description, applied_at) VALUES (${m.legacyVersion}, ${m.description}, ${'2026-11-01T00:00:00.000Z'})`.execute(k);
  }
}

describe('the migrations', () => {
  it('are named so that they sort in the order they run', () => {
    const names = migrations.map((m) => m.name);
    assert.deepEqual([...names].sort(), names);
    assert.equal(new Set(names).size, names.length);
  });
});

for (const target of DATABASE_TARGETS) {
  describe(`a database of the earlier migrator on ${target.name}`, function () {
    let db: TestDatabase | undefined;

    beforeEach(async function () {
      await requireTarget(this, target);
      db = await target.create();
    });
    afterEach(async () => {
      await db?.drop();
      db = undefined;
    });

    it('keeps its data, runs none of the versions it had, and applies the newer ones', async () => {
      await oldMigrator(db!, 5);
      const k = db!.database.db;
      await k.insertInto('people').values({ id: 'ada', name: 'Ada', email: 'ada@example.org', admin: 1, created_at: '2026-11-01T00:00:00.000Z' }).execute();
      await k.insertInto('courses').values({ id: 'cs101', title: 'Programming', created_at: '2026-11-01T00:00:00.000Z', official_sandboxes: 'isolate' }).execute();
      await k.insertInto('enrolments').values({ course_id: 'cs101', person_id: 'ada', role: 'professor', created_at: '2026-11-01T00:00:00.000Z' }).execute();

      const store = new Store(db!.database);
      const applied = await store.migrate();
      assert.deepEqual(applied, migrations.slice(5).map((m) => m.name), 'every migration after the five it had, in order');
      assert.equal(applied[0], '0006_oidc_identities_and_sign_ins');
      assert.deepEqual(await store.people.get('ada'), { id: 'ada', name: 'Ada', email: 'ada@example.org', admin: true });
      assert.deepEqual(await store.courses.officialSandboxes('cs101'), ['isolate']);
      assert.equal(await store.courses.roleIn('cs101', 'ada'), 'professor');
      // What the newer migrations made is there to use.
      await store.courses.setIdleStopSeconds('cs101', 600);
      assert.equal(await store.courses.idleStopSeconds('cs101'), 600);
      await store.signIns.link({ issuer: 'https://idp', subject: 'u-ada', personId: 'ada' });
      assert.equal(await store.signIns.personOf('https://idp', 'u-ada'), 'ada');
      assert.deepEqual(await store.migrate(), [], 'a second opening applies nothing');
    });

    it('applies the pending migrations entirely or not at all', async () => {
      await oldMigrator(db!, 2);
      // A table in the way of a later migration (0005 creates `versions`): that migration fails.
      await sql`CREATE TABLE versions (id TEXT PRIMARY KEY)`.execute(db!.database.db);
      const store = new Store(db!.database);
      await assert.rejects(store.migrate(), /versions/);
      const tables = new Set((await db!.database.db.introspection.getTables()).map((t) => t.name));
      assert.equal(tables.has('grade_records'), false, 'the migration before the failing one was rolled back too');
      const recorded = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db!.database.db);
      assert.deepEqual(
        recorded.rows.map((r) => r.name),
        migrations.slice(0, 2).map((m) => m.name),
        'only the versions the earlier migrator had',
      );
    });

    it('applies nothing to a database the earlier migrator had brought up to date', async () => {
      await oldMigrator(db!, Number.MAX_SAFE_INTEGER);
      await db!.database.db.insertInto('people').values({ id: 'bo', name: 'Bo', email: null, admin: 0, created_at: '2026-11-01T00:00:00.000Z' }).execute();
      const store = new Store(db!.database);
      assert.deepEqual(await store.migrate(), []);
      assert.deepEqual(await store.people.list(), [{ id: 'bo', name: 'Bo', email: undefined, admin: false }]);
    });
  });
}
