// Brings the database to the newest schema with Kysely's Migrator. A database
// the hub's earlier migrator made (its `schema_migrations` table, one row per
// version applied) is adopted first: the versions it lists are recorded as
// Kysely migrations already run, so only the newer ones apply and no data is
// touched. `schema_migrations` itself stays, unread.

import { DEFAULT_MIGRATION_TABLE, Migrator, sql, type Kysely, type MigrationProvider } from 'kysely';
import { migrations } from './migrations';
import type { Tables } from './tables';

/** The table the hub's earlier migrator kept. */
const LEGACY_TABLE = 'schema_migrations';

const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve(Object.fromEntries(migrations.map((m) => [m.name, m]))),
};

async function tableNames(db: Kysely<Tables>): Promise<Set<string>> {
  return new Set((await db.introspection.getTables({ withInternalKyselyTables: true })).map((t) => t.name));
}

/** Record the versions the earlier migrator applied as migrations Kysely's Migrator has run. */
async function adoptLegacy(db: Kysely<Tables>, now: () => Date): Promise<void> {
  const tables = await tableNames(db);
  if (!tables.has(LEGACY_TABLE)) return;
  await db.transaction().execute(async (tx) => {
    // The same columns Kysely's Migrator gives its table when it makes it.
    await tx.schema
      .createTable(DEFAULT_MIGRATION_TABLE)
      .ifNotExists()
      .addColumn('name', 'varchar(255)', (c) => c.notNull().primaryKey())
      .addColumn('timestamp', 'varchar(255)', (c) => c.notNull())
      .execute();
    const recorded = await sql<{ n: unknown }>`SELECT COUNT(*) AS n FROM ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(tx);
    if (Number(recorded.rows[0]?.n ?? 0) > 0) return;
    const applied = await sql<{ version: unknown }>`SELECT version FROM ${sql.table(LEGACY_TABLE)}`.execute(tx);
    const versions = new Set(applied.rows.map((r) => Number(r.version)));
    for (const m of migrations) {
      if (m.legacyVersion === undefined || !versions.has(m.legacyVersion)) continue;
      await sql`INSERT INTO ${sql.table(DEFAULT_MIGRATION_TABLE)} (name, timestamp) VALUES (${m.name}, ${now().toISOString()})`.execute(tx);
    }
  });
}

/** Apply pending migrations; resolves to the names of those applied. */
export async function migrate(db: Kysely<Tables>, now: () => Date = () => new Date()): Promise<string[]> {
  await adoptLegacy(db, now);
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
